"""Signed answers (issue 10): downloads of the renditions and their signatures; verification."""

from __future__ import annotations

from ninja import File, Router, Schema
from ninja.files import UploadedFile

from priemnaya.answers.downloads import rendition_response
from priemnaya.answers.selectors import answer_for_download
from priemnaya.answers.verification import MAX_FILE, MAX_SIGNATURE, rendition_verify, verdict_out
from priemnaya.api.schemas import ErrorOut
from priemnaya.core.errors import ValidationFailed

router = Router(tags=["answers"])
verify_router = Router(tags=["answers"])
ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut, 503: ErrorOut}


@router.get("/{number}/answer/{fmt}", response=ERRORS)
def answer_rendition(request, number: str, fmt: str, answer: int | None = None):
    """The appeal's answer as `pdf`, `json` or `xml`: exactly the signed bytes.

    The current answer; `?answer=<id>` for an earlier, superseded one. The applicant and the
    staff who may see the appeal; anyone else 404, no answer yet 404. 503 when the service has
    no signing key configured.
    """
    found = answer_for_download(user=request.auth, number=number, answer_id=answer)
    return rendition_response(found, fmt)


@router.get("/{number}/answer/{fmt}/signature", response=ERRORS)
def answer_signature(request, number: str, fmt: str, answer: int | None = None):
    """The detached signature of that rendition: JSON `{"algorithm", "key_id", "signature"}`."""
    found = answer_for_download(user=request.auth, number=number, answer_id=answer)
    return rendition_response(found, fmt, signature=True)


class IssuerOut(Schema):
    department: str
    executor: str
    position: str


class VerifyOut(Schema):
    authentic: bool
    intact: bool
    number: str | None
    issued_at: str | None
    issuer: IssuerOut | None
    algorithm: str | None
    key_id: str | None
    format: str | None
    superseded: bool | None
    reason: str


def _read(upload: UploadedFile | None, field: str, limit: int) -> bytes | None:
    if upload is None:
        return None
    if upload.size is not None and upload.size > limit:
        message = "Файл больше 10 МБ." if field == "file" else "Файл подписи слишком большой."
        raise ValidationFailed.single(field, message)
    return upload.read(limit + 1)


@verify_router.post(
    "/verify", auth=None, response={200: VerifyOut, 422: ErrorOut, 429: ErrorOut, 503: ErrorOut}
)
def verify(
    request,
    file: UploadedFile | None = File(None),  # noqa: B008 - ninja's way to declare a file part
    signature: UploadedFile | None = File(None),  # noqa: B008
):
    """Check a rendition: multipart `file` and its `signature` (.sig), or `file` alone.

    `signature` may be a file part or a plain field holding the signature's JSON.

    `authentic`: the service issued it (its key made the signature and the service stored that
    signature; without a signature, the verification code in the file names an issued
    rendition). `intact`: the bytes are exactly the signed ones. `reason` says why not.
    """
    sig = _read(signature, "signature", MAX_SIGNATURE)
    if sig is None and request.POST.get("signature"):
        # The signature's JSON sent as a plain form field rather than a file part.
        sig = request.POST["signature"].encode()
    return verdict_out(rendition_verify(_read(file, "file", MAX_FILE), sig))
