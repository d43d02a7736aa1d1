"""Forms that carry files (issue 10): the appeal form, clarifications, documents, the answer.

A form only names the files: the chosen uploads (``files``), the ids of files already staged on an
earlier round or by the page's script (``attachment_ids``) and the ones ticked for removal
(``remove_attachments``). What a file may be is decided by the attachments service; the view
stages the uploads and hands the ids to the appeal's service (web/views/files.py).
"""

from __future__ import annotations

from django import forms

from priemnaya.attachments.services import limits, size_text
from priemnaya.web.forms import AnswerForm, AppealForm, _text

# What the file input offers; the service decides from the content, this only helps the picker.
ACCEPT = (
    ".pdf,.doc,.docx,.jpg,.jpeg,.png,application/pdf,application/msword,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document,image/jpeg,image/png"
)
FILE_FIELDS = ("files", "attachment_ids", "remove_attachments")


def files_hint(*, per_appeal_limits: bool = True) -> str:
    """The limits in words, as the settings say them (SPEC §7)."""
    lim = limits()
    kinds = f"PDF, DOC, DOCX, JPG или PNG; до {size_text(lim.file_bytes)} каждый"
    if not per_appeal_limits:
        return f"{kinds}."
    return (
        f"{kinds}, всего до {size_text(lim.appeal_bytes)} "
        f"и не больше {lim.appeal_count} файлов к обращению."
    )


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class _Ids(forms.Field):
    """A list of attachment ids from repeated hidden inputs or checkboxes; junk is dropped."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        ids: list[int] = []
        for item in values:
            try:
                number = int(item)
            except (TypeError, ValueError):
                continue
            if number > 0 and number not in ids:
                ids.append(number)
        return ids


class _Uploads(forms.Field):
    """The chosen files as they came; the attachments service checks each one."""

    widget = MultipleFileInput

    def to_python(self, value) -> list:
        if not value:
            return []
        return list(value) if isinstance(value, list | tuple) else [value]


class FilesMixin(forms.Form):
    """Adds the file fields; ``purpose`` is the attachments' purpose for what the form sends."""

    purpose = "appeal"
    files_label = "Файлы"

    # The form's metaclass takes declared fields off the class, so ``form.files`` (the uploads
    # Django binds) stays as it is; templates reach this field as ``form.files`` (item lookup).
    files = _Uploads(required=False)  # type: ignore[assignment]
    attachment_ids = _Ids(required=False)
    remove_attachments = _Ids(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["files"]
        field.label = self.files_label
        # The per-appeal total and count are about what the applicant gives, not staff's answer.
        field.help_text = files_hint(per_appeal_limits=self.purpose != "answer")
        field.widget.attrs.update({"accept": ACCEPT, "multiple": True})
        # The services name the files «attachment_ids»; the page shows that beside the picker.
        self.FIELD_MAP = {
            **getattr(type(self), "FIELD_MAP", {}),
            "attachment_ids": "files",
            "attachments": "files",
        }
        # Files already staged (kept across a refused round); the view fills it in.
        self.staged: list = []

    @property
    def file_field_names(self) -> tuple[str, ...]:
        return FILE_FIELDS

    def without_files(self) -> dict:
        """The cleaned data without the file fields (what the non-file service arguments are)."""
        data = getattr(self, "cleaned_data", {})
        return {k: v for k, v in data.items() if k not in FILE_FIELDS}


class AppealFilesForm(FilesMixin, AppealForm):
    files_label = "Приложить файлы (необязательно)"


class ProvideInfoForm(FilesMixin, forms.Form):
    purpose = "addition"
    files_label = "Документы (необязательно)"

    text = _text("Текст", rows=4)


class DocumentsForm(FilesMixin, forms.Form):
    purpose = "addition"
    files_label = "Документы"

    text = _text("Комментарий (необязательно)", required=False, rows=2)


class AnswerFilesForm(FilesMixin, AnswerForm):
    purpose = "answer"
    files_label = "Файлы к ответу (необязательно)"
