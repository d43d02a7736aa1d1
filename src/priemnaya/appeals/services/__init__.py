"""Every way an appeal changes (SPEC §4). Each function is atomic, checks actor and state and
writes exactly one journal Event."""

from priemnaya.appeals.services.conversation import appeal_comment, appeal_note
from priemnaya.appeals.services.documents import (
    answer_files_stage,
    appeal_documents_add,
    appeal_documents_upload,
)
from priemnaya.appeals.services.incidents import incident_detect, incident_resolve
from priemnaya.appeals.services.intake import (
    AppealInput,
    appeal_draft_save,
    appeal_edit,
    appeal_submit,
    appeal_submit_draft,
    appeal_submit_follow_up,
)
from priemnaya.appeals.services.routing import (
    appeal_assign,
    appeal_change_regime,
    appeal_escalate,
    appeal_extend,
    appeal_redirect,
)
from priemnaya.appeals.services.workflow import (
    appeal_answer,
    appeal_close,
    appeal_confirm,
    appeal_provide_info,
    appeal_rate,
    appeal_reopen,
    appeal_request_info,
    appeal_take,
    appeal_withdraw,
    appeals_autoclose,
)

__all__ = [
    "AppealInput",
    "answer_files_stage",
    "appeal_answer",
    "appeal_assign",
    "appeal_change_regime",
    "appeal_close",
    "appeal_comment",
    "appeal_confirm",
    "appeal_documents_add",
    "appeal_documents_upload",
    "appeal_draft_save",
    "appeal_edit",
    "appeal_escalate",
    "appeal_extend",
    "appeal_note",
    "appeal_provide_info",
    "appeal_rate",
    "appeal_redirect",
    "appeal_reopen",
    "appeal_request_info",
    "appeal_submit",
    "appeal_submit_draft",
    "appeal_submit_follow_up",
    "appeal_take",
    "appeal_withdraw",
    "appeals_autoclose",
    "incident_detect",
    "incident_resolve",
]
