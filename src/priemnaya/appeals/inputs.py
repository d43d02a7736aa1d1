"""What a person fills in to file an appeal, defined once (SPEC §3).

`AppealInput` lists the fields; each carries its spec (label, kind, whether it is required, the
limit read from the model). The domain check below, the API's input schemas and the web forms are
all derived from these specs, so a field or a limit changes in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from django.utils import timezone

from priemnaya.appeals.models import INCIDENT_EARLIEST, Appeal
from priemnaya.catalog.models import Department
from priemnaya.catalog.regions import UnknownRegion, region_code
from priemnaya.catalog.selectors import kind_active, theme_active
from priemnaya.core import clock
from priemnaya.core.contacts import ContactInvalid, normalize_email, normalize_phone
from priemnaya.core.errors import ValidationFailed
from priemnaya.core.text import clean_text, text_problem


class FieldKind(StrEnum):
    CHOICE = "choice"  # a code from the catalog
    TEXT = "text"
    LONG_TEXT = "long_text"
    DATE = "date"
    EMAIL = "email"
    PHONE = "phone"
    REGION = "region"  # a subject of the Federation by its code (catalog.regions)


_CHECKED_AS_TEXT = {FieldKind.TEXT, FieldKind.LONG_TEXT}
_NORMALIZERS = {FieldKind.EMAIL: normalize_email, FieldKind.PHONE: normalize_phone}


@dataclass(frozen=True)
class InputField:
    """One field a person fills in: how it is shown, whether it is needed, how long it may be."""

    name: str
    label: str  # as the form shows it
    accusative: str  # as a message asks for it: «Укажите {accusative}»
    kind: FieldKind
    missing: str = ""  # what to say when the field is required and left empty
    editable: bool = True  # the applicant may change it while nobody has taken the appeal
    staff_only: bool = False  # typed by staff for a caller; an applicant is who they are
    form_name: str = ""  # the form field's name where it differs

    @property
    def required(self) -> bool:
        return bool(self.missing)

    @property
    def max_length(self) -> int | None:
        """The limit of a text field after trimming, as the model declares it."""
        if self.kind not in _CHECKED_AS_TEXT:
            return None
        return getattr(Appeal._meta.get_field(self.name), "max_length", None)

    @property
    def field_name(self) -> str:
        return self.form_name or self.name


def _spec(label: str, accusative: str, kind: FieldKind, **options: Any) -> dict[str, Any]:
    return {"spec": (label, accusative, kind, options)}


@dataclass
class AppealInput:
    """What a person typed into the form or an app sent; faces only check the shape."""

    kind: str = field(
        default="",
        metadata=_spec(
            "Вид обращения",
            "вид обращения",
            FieldKind.CHOICE,
            missing="Выберите вид обращения.",
            editable=False,
        ),
    )
    theme: str = field(
        default="",
        metadata=_spec(
            "Тема",
            "тему обращения",
            FieldKind.CHOICE,
            missing="Выберите тему обращения.",
            editable=False,
        ),
    )
    subject: str = field(
        default="",
        metadata=_spec(
            "Кратко, о чём обращение",
            "о чём обращение",
            FieldKind.TEXT,
            missing="Укажите, о чём обращение.",
        ),
    )
    text: str = field(
        default="",
        metadata=_spec("Описание", "описание", FieldKind.LONG_TEXT, missing="Опишите ситуацию."),
    )
    service_code: str = field(
        default="", metadata=_spec("Номер или код госуслуги", "код госуслуги", FieldKind.TEXT)
    )
    incident_at: datetime | date | None = field(
        default=None,
        metadata=_spec("Дата события", "дату события", FieldKind.DATE, form_name="incident_date"),
    )
    desired_result: str = field(
        default="",
        metadata=_spec("Какой результат вы ждёте", "желаемый результат", FieldKind.LONG_TEXT),
    )
    contact_email: str = field(
        default="", metadata=_spec("E-mail для ответа", "e-mail", FieldKind.EMAIL)
    )
    contact_phone: str = field(
        default="", metadata=_spec("Телефон для ответа", "телефон", FieldKind.PHONE)
    )
    contact_address: str = field(
        default="", metadata=_spec("Почтовый адрес", "почтовый адрес", FieldKind.TEXT)
    )
    applicant_name: str = field(
        default="",
        metadata=_spec(
            "ФИО заявителя",
            "ФИО заявителя",
            FieldKind.TEXT,
            missing="Укажите ФИО заявителя.",
            editable=False,
            staff_only=True,
        ),
    )
    region: str = field(default="", metadata=_spec("Регион", "регион", FieldKind.REGION))
    # When a letter, a call or an МФЦ visit reached the service: registration is due within
    # the policy's days of it (59-FZ art. 8 p.2), and a later one is marked.
    received_on: date | None = field(
        default=None,
        metadata=_spec(
            "Дата поступления", "дату поступления", FieldKind.DATE, editable=False, staff_only=True
        ),
    )
    # The body a complaint is about: it is never redirected there (59-FZ art. 8 p.6).
    complained_department: str = field(
        default="",
        metadata=_spec("На кого жалоба", "на кого жалоба", FieldKind.CHOICE, editable=False),
    )


INPUT_FIELDS: tuple[InputField, ...] = tuple(
    InputField(f.name, label, accusative, kind, **options)
    for f in fields(AppealInput)
    for label, accusative, kind, options in [f.metadata["spec"]]
)
SPECS = {spec.name: spec for spec in INPUT_FIELDS}
# What the applicant may change after submitting (SPEC §4, edit).
EDITABLE = tuple(spec.name for spec in INPUT_FIELDS if spec.editable)
CONTACTS = ("contact_email", "contact_phone", "contact_address")


def _incident(value: datetime | date | None) -> tuple[datetime | None, str | None]:
    """Return the incident moment as an aware datetime, or the problem with it."""
    if value is None:
        return None, None
    day = value.date() if isinstance(value, datetime) else value
    # Checked on the date as typed, before any time zone arithmetic: near year 1 that
    # arithmetic leaves the calendar (year 0), which neither database can read back.
    if day < INCIDENT_EARLIEST:
        return None, f"Дата события — не раньше {INCIDENT_EARLIEST:%d.%m.%Y}."
    if isinstance(value, datetime):
        moment = timezone.make_aware(value) if timezone.is_naive(value) else value
    else:
        moment = timezone.make_aware(datetime.combine(value, time.min))
    if moment > clock.now():
        return None, "Дата события не может быть в будущем."
    return moment, None


# How far back a received date may go: older post is a data entry error, not a late letter.
RECEIVED_EARLIEST_DAYS = 366
COMPLAINT_KIND = "complaint"


def _received(value: date | datetime | None) -> tuple[datetime | None, str | None]:
    """Return the start of the local day the appeal was received, or the problem with the date."""
    if value is None:
        return None, None
    day = value.date() if isinstance(value, datetime) else value
    today = timezone.localdate(clock.now())
    if day > today:
        return None, "Дата поступления не может быть в будущем."
    earliest = today - timedelta(days=RECEIVED_EARLIEST_DAYS)
    if day < earliest:
        return None, f"Дата поступления — не раньше {earliest:%d.%m.%Y}."
    return timezone.make_aware(datetime.combine(day, time.min)), None


def _checked(
    data: AppealInput, *, partial: bool, staff_intake: bool
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Return model field values from the input and every problem found, per field."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}

    def fail(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    def required(spec: InputField) -> bool:
        return spec.required and not partial and (staff_intake or not spec.staff_only)

    # From the process's copy of the catalog (catalog/cache.py): no query per submission.
    kind = kind_active(data.kind) if data.kind else None
    if kind is None and required(SPECS["kind"]):
        fail("kind", "Выберите вид обращения из списка." if data.kind else SPECS["kind"].missing)
    values["kind"] = kind
    theme = theme_active(data.theme) if data.theme else None
    if theme is None and required(SPECS["theme"]):
        fail("theme", "Выберите тему из каталога." if data.theme else SPECS["theme"].missing)
    values["theme"] = theme

    for spec in INPUT_FIELDS:
        if spec.max_length is None:
            continue
        cleaned = clean_text(getattr(data, spec.name))
        if not cleaned and required(spec):
            fail(spec.name, spec.missing)
        elif problem := text_problem(cleaned, max_length=spec.max_length, required=False):
            fail(spec.name, problem)
        values[spec.name] = cleaned

    values["incident_at"], problem = _incident(data.incident_at)
    if problem:
        fail("incident_at", problem)

    # Only staff record when something reached them; an applicant's appeal arrives as it is sent.
    values["received_at"], problem = _received(data.received_on if staff_intake else None)
    if problem:
        fail("received_on", problem)

    complained = None
    if data.complained_department and kind is not None and kind.code == COMPLAINT_KIND:
        complained = Department.objects.filter(
            code=data.complained_department, is_active=True
        ).first()
        if complained is None:
            fail("complained_department", "Выберите ведомство из списка.")
    values["complained_department"] = complained

    for spec in INPUT_FIELDS:
        if normalize := _NORMALIZERS.get(spec.kind):
            typed = getattr(data, spec.name)
            values[spec.name] = ""
            try:
                values[spec.name] = normalize(typed) if typed.strip() else ""
            except ContactInvalid as exc:
                fail(spec.name, str(exc))
    try:
        values["region"] = region_code(data.region)
    except UnknownRegion as exc:
        values["region"] = ""
        fail("region", str(exc))

    if not partial and not any(str(getattr(data, name)).strip() for name in CONTACTS):
        fail("contact_email", "Укажите хотя бы один способ связи: e-mail, телефон или адрес.")

    if theme and not partial:
        for name in theme.required_fields:
            if name in SPECS and not values.get(name) and name not in errors:
                fail(name, f"Для темы «{theme.name}» укажите {SPECS[name].accusative}.")
    return values, errors


def appeal_input_problems(
    data: AppealInput, *, partial: bool = False, staff_intake: bool = False
) -> dict[str, list[str]]:
    """Return every rule the input breaks, per field; `partial` checks only what was typed.

    `staff_intake` also requires what staff type for a caller (the caller's name).
    """
    return _checked(data, partial=partial, staff_intake=staff_intake)[1]


def appeal_input_clean(
    data: AppealInput, *, partial: bool = False, staff_intake: bool = False
) -> dict[str, Any]:
    """Return model field values from the input or raise ValidationFailed with every problem."""
    values, errors = _checked(data, partial=partial, staff_intake=staff_intake)
    if errors:
        raise ValidationFailed(errors)
    return values


def input_from_appeal(appeal: Appeal) -> AppealInput:
    """Return the appeal's current content as input, e.g. to pre-fill the edit form."""
    data = AppealInput(kind=appeal.kind.code, theme=appeal.theme.code)
    for spec in INPUT_FIELDS:
        if spec.kind is not FieldKind.CHOICE and spec.name != "received_on":
            setattr(data, spec.name, getattr(appeal, spec.name))
    if (complained := appeal.complained_department) is not None:
        data.complained_department = complained.code
    if appeal.received_at:
        data.received_on = timezone.localdate(appeal.received_at)
    return data
