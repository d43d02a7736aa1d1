"""Forms check only the shape of input; the rules live in services and come back as errors."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils import timezone

from priemnaya.appeals.follow_ups import CONTEST_KIND, FollowUp
from priemnaya.appeals.inputs import INPUT_FIELDS, SPECS, AppealInput, FieldKind, InputField
from priemnaya.appeals.lifecycle import APPLICANT_VIEW
from priemnaya.appeals.presenters import format_date
from priemnaya.appeals.states import (
    STAFF_INTAKE_CHANNELS,
    Channel,
    NoAnswerGround,
    Outcome,
    Status,
)
from priemnaya.catalog.models import Regime
from priemnaya.catalog.regions import region_choices
from priemnaya.catalog.selectors import departments_active, kinds_active, theme_tree
from priemnaya.notifications.feed import RUSSIAN_TIMEZONES

REQUIRED = "Заполните это поле."
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(
    label: str, *, required: bool = True, rows: int | None = None, **attrs
) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows, **attrs}) if rows else forms.TextInput(attrs=attrs)
    return forms.CharField(
        label=label,
        required=required,
        strip=False,
        widget=widget,
        error_messages={"required": REQUIRED},
    )


class LoginForm(forms.Form):
    login = _text("E-mail или телефон", autocomplete="username")
    password = forms.CharField(
        label="Пароль",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Введите пароль."},
    )


class RegisterForm(forms.Form):
    full_name = _text("Фамилия, имя, отчество", autocomplete="name")
    email = _text("Электронная почта", required=False, autocomplete="email", inputmode="email")
    phone = _text(
        "Телефон", required=False, autocomplete="tel", inputmode="tel", placeholder="+7XXXXXXXXXX"
    )
    password = forms.CharField(
        label="Пароль",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Не короче 8 символов: строчные и заглавные буквы, цифра и специальный символ.",
        error_messages={"required": "Придумайте пароль."},
    )
    password2 = forms.CharField(
        label="Пароль ещё раз",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Повторите пароль."},
    )
    consent = forms.BooleanField(
        label="Согласен(на) на обработку персональных данных для рассмотрения обращений (152-ФЗ)",
        error_messages={"required": "Без согласия на обработку данных мы не сможем ответить вам."},
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", "Пароли не совпадают.")
        return data


def _choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """Return the form's choice field ``name``, whose choices are filled in per request."""
    return cast(forms.ChoiceField, form.fields[name])


def kind_choices():
    return [("", "— выберите вид —")] + [(k.code, k.name) for k in kinds_active()]


def theme_choices():
    choices: list = [("", "— выберите тему —")]
    for parent, children in theme_tree():
        if children:
            choices.append((parent.name, [(c.code, c.name) for c in children]))
        else:
            choices.append((parent.code, parent.name))
    return choices


# How the browser may help with a field (autofill, keyboard, size); the rest comes from the spec.
_KIND_ATTRS: dict[FieldKind, dict[str, Any]] = {
    FieldKind.EMAIL: {"autocomplete": "email", "inputmode": "email"},
    FieldKind.PHONE: {"autocomplete": "tel", "inputmode": "tel", "placeholder": "+7XXXXXXXXXX"},
    FieldKind.LONG_TEXT: {"rows": 3},
}
_FIELD_ATTRS: dict[str, dict[str, Any]] = {
    "text": {"rows": 8},
    "contact_address": {"autocomplete": "street-address"},
    "applicant_name": {"autocomplete": "off"},
}


def _input_field(spec: InputField) -> forms.Field:
    """Return the form field for one of the appeal's input fields, as its spec describes it."""
    field: forms.Field
    if spec.kind is FieldKind.CHOICE:
        field = forms.ChoiceField(label=spec.label, required=spec.required)
    elif spec.kind is FieldKind.REGION:
        field = forms.ChoiceField(
            label=spec.label,
            required=spec.required,
            choices=[("", "— не указан —"), *region_choices()],
            error_messages={"invalid_choice": "Выберите регион из списка."},
        )
    elif spec.kind is FieldKind.DATE:
        field = forms.DateField(
            label=spec.label,
            required=spec.required,
            widget=DATE_INPUT,
            error_messages={"invalid": "Укажите дату в формате ДД.ММ.ГГГГ."},
        )
    else:
        attrs = {**_KIND_ATTRS.get(spec.kind, {}), **_FIELD_ATTRS.get(spec.name, {})}
        if spec.kind is FieldKind.TEXT and spec.max_length:
            attrs["maxlength"] = spec.max_length
        field = _text(spec.label, required=spec.required, **attrs)
    if spec.missing:
        field.error_messages["required"] = spec.missing
    # The service checks the length after trimming; the page only shows the limit.
    field.limit = spec.max_length  # type: ignore[union-attr]  # our attribute, for the counter
    return field


if TYPE_CHECKING:
    _AppealFields = forms.Form  # mypy cannot follow type(): the fields are declared at run time
else:
    _AppealFields = type(
        "_AppealFields",
        (forms.Form,),
        {spec.field_name: _input_field(spec) for spec in INPUT_FIELDS if not spec.staff_only},
    )


class AppealFieldsForm(_AppealFields):
    """The appeal's own fields, generated from the input spec (priemnaya.appeals.inputs)."""

    # Service error fields that have a differently named form field.
    FIELD_MAP = {spec.name: spec.field_name for spec in INPUT_FIELDS if spec.form_name}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _choice_field(self, "kind").choices = kind_choices()
        _choice_field(self, "theme").choices = theme_choices()
        complained = _choice_field(self, "complained_department")
        complained.choices = [("", "— не указано —")] + [
            (d.code, d.name) for d in departments_active()
        ]
        complained.help_text = "Только для жалобы: ведомство, на действия которого жалоба."

    def appeal_input(self) -> AppealInput:
        """Return what the form holds as the service's input (what passed the shape check)."""
        data = getattr(self, "cleaned_data", {})
        values = {
            spec.name: data[spec.field_name]
            for spec in INPUT_FIELDS
            if data.get(spec.field_name) is not None
        }
        return AppealInput(**values)

    @staticmethod
    def initial_from(data: AppealInput) -> dict:
        """Return form initial values for the service's input (the date as a local date)."""
        initial = {spec.field_name: getattr(data, spec.name) for spec in INPUT_FIELDS}
        if isinstance(data.incident_at, datetime):
            initial[SPECS["incident_at"].field_name] = timezone.localtime(data.incident_at).date()
        return initial


class _SubmitForm(AppealFieldsForm):
    # A token per rendered form: a second submit of the same form returns the first appeal.
    client_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("client_token", uuid.uuid4().hex)


class AppealForm(_SubmitForm):
    # A repeat or contest of an earlier appeal: which one, and the earlier appeal's number.
    follow_up = forms.ChoiceField(
        choices=[("", "")] + [(f.value, f.value) for f in FollowUp],
        widget=forms.HiddenInput,
        required=False,
    )
    source = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)

    def __init__(self, *args, draft: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if draft:
            # A draft may be unfinished: only kind and theme are needed to file it later.
            self.fields["subject"].required = self.fields["text"].required = False
        link = (self.data if self.is_bound else self.initial).get("follow_up")
        if link == FollowUp.CONTEST:
            # A contest is always of kind «обжалование»; the service sets it, the form shows it.
            self.fields["kind"].disabled = True
            self.initial["kind"] = CONTEST_KIND


class StaffIntakeForm(_SubmitForm):
    """An appeal that came by phone, e-mail, letter…: the operator types it in for the person."""

    channel = forms.ChoiceField(
        label="Канал поступления", error_messages={"required": "Выберите канал поступления."}
    )
    applicant_name = _input_field(SPECS["applicant_name"])
    received_on = _input_field(SPECS["received_on"])
    field_order = ("channel", "received_on", "applicant_name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _choice_field(self, "channel").choices = [("", "— выберите —")] + [
            (c.value, c.label) for c in Channel if c in STAFF_INTAKE_CHANNELS
        ]
        # The operator types in someone else's details: the browser must not offer the
        # operator's own name, e-mail, phone or address.
        for name in ("applicant_name", "contact_email", "contact_phone", "contact_address"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        self.fields["received_on"].help_text = (
            "Для звонка, письма, e-mail или МФЦ, если поступило раньше сегодняшнего дня. "
            "Срок ответа считается со дня регистрации."
        )


class AppealEditForm(AppealFieldsForm):
    """What the applicant may still change; kind and theme are shown but stay as they are."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "theme", "complained_department"):
            self.fields[name].disabled = True
            self.fields[name].required = False


class TextForm(forms.Form):
    text = _text("Текст", rows=4)


class QuestionForm(forms.Form):
    question = _text("Вопрос заявителю", rows=4)


class ReasonForm(forms.Form):
    reason = _text("Причина", rows=3)


class OptionalReasonForm(forms.Form):
    reason = _text("Причина (необязательно)", required=False, rows=2)


class EmptyForm(forms.Form):
    pass


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="Оценка",
        coerce=int,
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
        error_messages={"required": "Выберите оценку от 1 до 5."},
    )
    comment = _text("Комментарий (при оценке 1–2 напишите, что не так)", required=False, rows=2)


class AssignForm(forms.Form):
    FIELD_MAP = {"assignee_id": "assignee"}

    assignee = forms.TypedChoiceField(
        label="Исполнитель", coerce=int, error_messages={"required": "Выберите исполнителя."}
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        _choice_field(self, "assignee").choices = [("", "— выберите —")] + [
            (u.pk, f"{u.full_name}, {u.position}" if u.position else u.full_name)
            for u in candidates
        ]


class OptionalCommentForm(forms.Form):
    comment = _text("Комментарий для заявителя (необязательно)", required=False, rows=2)


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Результат",
        choices=[("", "— выберите —"), *Outcome.choices],
        error_messages={"required": "Выберите результат рассмотрения."},
    )
    legal_ground = forms.ChoiceField(
        label="Основание (для «Оставлено без ответа»)",
        choices=[("", "—"), *NoAnswerGround.choices],
        required=False,
        help_text="Заявитель увидит стандартное уведомление по основанию ст. 11 59-ФЗ.",
    )
    crime_report = forms.BooleanField(
        label="Сообщение о противоправном деянии — направить по компетенции",
        required=False,
        help_text="Только для обращения без фамилии или адреса (ч. 1 ст. 11 59-ФЗ).",
    )
    forward_to = forms.CharField(label="Орган, куда направить", required=False, max_length=300)
    contacts_readable = forms.BooleanField(
        label="Фамилия и адрес читаемы (уведомить в течение 7 дней)", required=False, initial=True
    )
    no_new_arguments = forms.BooleanField(
        label="Новых доводов нет (для прекращения переписки)", required=False
    )
    decision = _text("Решение руководителя о прекращении переписки", rows=2, required=False)
    text = _text("Текст ответа", rows=8)


class ReviewApproveForm(forms.Form):
    comment = _text("Комментарий (необязательно, только для сотрудников)", required=False, rows=2)


class ReviewReturnForm(forms.Form):
    comment = _text("Что доработать (увидит исполнитель)", rows=3)


class IncidentAnswerForm(forms.Form):
    text = _text("Ответ всем заявителям", rows=6)


class RedirectForm(forms.Form):
    department = forms.ChoiceField(
        label="Ведомство", error_messages={"required": "Выберите ведомство."}
    )
    reason = _text("Причина перенаправления", rows=2)

    def __init__(self, *args, last_day: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        _choice_field(self, "department").choices = [("", "— выберите —")] + [
            (d.code, d.name) for d in departments_active()
        ]
        if last_day is not None:
            hint = (
                f"Переадресовать можно до {format_date(last_day)}; заявитель получит уведомление."
            )
            self.fields["department"].help_text = hint


class RegimeForm(forms.Form):
    regime = forms.ChoiceField(
        label="Рассматривать как",
        choices=[("", "— выберите —"), *Regime.choices],
        error_messages={"required": "Выберите режим рассмотрения."},
        help_text="Срок ответа будет пересчитан от даты регистрации; заявитель увидит новый срок.",
    )
    reason = _text("Причина", rows=2)


class ExtendForm(forms.Form):
    due_date = forms.DateField(
        label="Новый срок",
        widget=DATE_INPUT,
        error_messages={"required": "Укажите новый срок.", "invalid": "Укажите дату."},
    )
    reason = _text("Причина продления", rows=2)

    FIELD_MAP: dict[str, str] = {}

    def __init__(self, *args, approver: str = "", limit: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Who decides and how far, said before the form is sent (59-FZ art. 12 p.2).
        hints = [f"Продлевает {approver}."] if approver else []
        if limit is not None:
            hints.append(f"Новый срок — не позже {format_date(limit)}.")
            self.fields["due_date"].widget.attrs["max"] = limit.isoformat()
        self.fields["due_date"].help_text = " ".join(hints)


class QueueFilterForm(forms.Form):
    # Chosen by the tabs above the filters; kept while the filters change.
    queue = forms.CharField(required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(label="Статус", required=False)
    kind = forms.ChoiceField(label="Вид", required=False)
    theme = forms.ChoiceField(label="Тема", required=False)
    overdue = forms.BooleanField(label="Только просроченные", required=False)
    mine = forms.BooleanField(label="Только мои", required=False)
    review = forms.BooleanField(label="На пересмотре", required=False)
    archived = forms.BooleanField(label="Архив (только чтение)", required=False)
    q = forms.CharField(label="Номер или слова", required=False)
    # Set by the «ещё» link under the applicant's earlier appeals; kept while filters change.
    applicant = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _choice_field(self, "status").choices = [("", "Открытые")] + [
            c for c in Status.choices if c[0] != Status.DRAFT
        ]
        _choice_field(self, "kind").choices = [("", "Все виды"), *kind_choices()[1:]]
        _choice_field(self, "theme").choices = [("", "Все темы"), *theme_choices()[1:]]


class CabinetFilterForm(forms.Form):
    status = forms.ChoiceField(label="Статус", required=False)
    kind = forms.ChoiceField(label="Вид", required=False)
    q = forms.CharField(label="Номер или слова", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The applicant's words for each state, as on the rest of the cabinet.
        _choice_field(self, "status").choices = [("", "Все статусы")] + [
            (state.value, APPLICANT_VIEW[state][0]) for state in Status
        ]
        _choice_field(self, "kind").choices = [("", "Все виды"), *kind_choices()[1:]]


TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _time(label: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        widget=TIME_INPUT,
        error_messages={"required": "Укажите время.", "invalid": "Время указывается как ЧЧ:ММ."},
    )


class NotificationPreferencesForm(forms.Form):
    """Channels, kinds, quiet hours and zone; the service checks them against the account."""

    email = forms.BooleanField(label="Письма на e-mail", required=False)
    sms = forms.BooleanField(label="SMS на телефон", required=False)
    push = forms.BooleanField(label="Push-уведомления в браузере", required=False)
    kinds = forms.MultipleChoiceField(
        label="Виды обращений",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Не отмечено ни одного — уведомлять обо всех.",
        error_messages={"invalid_choice": "Неизвестный вид обращения: %(value)s."},
    )
    quiet_from = _time("Начало")
    quiet_to = _time("Окончание")
    # Any zone the service knows is accepted; the list offers the zones of Russia.
    timezone = forms.CharField(
        label="Часовой пояс",
        widget=forms.Select,
        error_messages={"required": "Выберите часовой пояс."},
    )
    digest = forms.BooleanField(label="Объединять несколько писем в одну сводку", required=False)

    def __init__(self, *args, staff: bool = False, zone: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        _choice_field(self, "kinds").choices = kind_choices()[1:]
        zones = list(RUSSIAN_TIMEZONES)
        if zone and zone not in dict(zones):
            zones.append((zone, zone))
        self.fields["timezone"].widget.choices = zones
        if not staff:
            del self.fields["digest"]

    @staticmethod
    def initial_from(preference, user) -> dict[str, Any]:
        """Show a channel on only where the account has the address it needs."""
        return {
            "email": preference.email and bool(user.email),
            "sms": preference.sms and bool(user.phone),
            "push": preference.push,
            "kinds": list(preference.kinds),
            "quiet_from": preference.quiet_from,
            "quiet_to": preference.quiet_to,
            "timezone": preference.timezone,
            "digest": preference.digest,
        }
