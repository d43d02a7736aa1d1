"""Forms of the console's mailbox (issue 13, e-mail intake): shape only, rules in the service."""

from __future__ import annotations

from django import forms

from priemnaya.appeals.inputs import SPECS
from priemnaya.catalog.models import Regime
from priemnaya.catalog.selectors import kinds_active
from priemnaya.mail_intake.models import IdentityMethod
from priemnaya.mail_intake.models import State as MailState
from priemnaya.web.forms import REQUIRED, AppealFieldsForm, _choice_field, _input_field, _text


class MailFilterForm(forms.Form):
    state = forms.ChoiceField(
        label="Показать",
        required=False,
        choices=[("", "Ждут разбора (отложенные и пропущенные)"), *MailState.choices],
    )


class AttachForm(forms.Form):
    number = _text("Номер обращения", inputmode="numeric", placeholder="26-0001234-9")


class Fz59Form(AppealFieldsForm):
    """A 59-FZ appeal typed in from an e-mailed request, with how identity was checked."""

    applicant_name = _input_field(SPECS["applicant_name"])
    method = forms.ChoiceField(
        label="Как установлена личность",
        widget=forms.RadioSelect,
        choices=IdentityMethod.choices,
        error_messages={"required": "Укажите, как установлена личность заявителя."},
    )
    details = _text("Подробности проверки", rows=3)
    field_order = ("method", "details", "applicant_name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _choice_field(self, "kind").choices = [("", "— выберите вид —")] + [
            (k.code, k.name) for k in kinds_active() if k.regime == Regime.FZ59
        ]
        self.fields["details"].error_messages["required"] = REQUIRED
        self.fields[
            "details"
        ].help_text = "Документ и его номер, или телефон и время звонка, или чем подписано письмо."
