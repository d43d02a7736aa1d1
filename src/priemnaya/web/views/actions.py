"""The actions a page can post, each a form and the one service it calls (same as the API)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from priemnaya.accounts.models import User
from priemnaya.answers.models import AnswerDraft
from priemnaya.answers.review import (
    answer_give,
    answer_review,
    review_applies,
)
from priemnaya.appeals import services
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.permissions import (
    EXTENSION_APPROVERS,
    extension_approver,
    redirect_last_day,
)
from priemnaya.appeals.selectors import assignee_candidates
from priemnaya.appeals.services.routing import extension_limit
from priemnaya.catalog.models import Approver
from priemnaya.web import forms, forms_files


@dataclass(frozen=True)
class PageAction:
    form: type
    run: Callable  # (appeal, actor, cleaned_data) -> object
    done: str  # message shown after success
    # Extra form arguments that depend on the appeal (e.g. who may be assigned).
    form_kwargs: Callable[[Appeal], dict] = lambda appeal: {}
    # Staff text fields and whether the applicant will read what is typed there (True) or only
    # staff (False): the console marks each one (issue 7 item 7).
    texts: dict[str, bool] = field(default_factory=dict)

    # The button's words when they depend on the appeal and the user (None: LABELS).
    label: Callable[[Appeal, User], str] | None = None
    # The success message when it depends on the result (None: ``done``).
    done_for: Callable[[object], str] | None = None

    def make_form(self, appeal: Appeal, *args, **kwargs):
        return self.form(*args, **kwargs, **self.form_kwargs(appeal))


def _assign(appeal: Appeal, actor: User, data: dict):
    return services.appeal_assign(appeal=appeal, actor=actor, assignee_id=int(data["assignee"]))


APPLICANT_ACTIONS: dict[str, PageAction] = {
    "comment": PageAction(
        forms.TextForm,
        lambda a, u, d: services.appeal_comment(appeal=a, actor=u, text=d["text"]),
        "Комментарий добавлен.",
    ),
    "provide-info": PageAction(
        forms_files.ProvideInfoForm,
        lambda a, u, d: services.appeal_provide_info(
            appeal=a, actor=u, text=d["text"], attachment_ids=tuple(d["attachment_ids"])
        ),
        "Уточнение отправлено, обращение снова в работе.",
    ),
    # Issue 10: documents added to an open appeal later, with an optional comment.
    "add-documents": PageAction(
        forms_files.DocumentsForm,
        lambda a, u, d: services.appeal_documents_add(
            appeal=a, actor=u, attachment_ids=tuple(d["attachment_ids"]), text=d["text"]
        ),
        "Документы добавлены к обращению.",
    ),
    "withdraw": PageAction(
        forms.OptionalReasonForm,
        lambda a, u, d: services.appeal_withdraw(appeal=a, actor=u, reason=d["reason"]),
        "Обращение отозвано.",
    ),
    "close": PageAction(
        forms.EmptyForm,
        lambda a, u, d: services.appeal_close(appeal=a, actor=u),
        "Обращение завершено. Спасибо!",
    ),
    "rate": PageAction(
        forms.RateForm,
        lambda a, u, d: services.appeal_rate(
            appeal=a, actor=u, rating=d["rating"], comment=d["comment"]
        ),
        "Спасибо за оценку.",
    ),
    "escalate": PageAction(
        forms.ReasonForm,
        lambda a, u, d: services.appeal_escalate(appeal=a, actor=u, reason=d["reason"]),
        "Обращение передано на вышестоящий уровень.",
        texts={"reason": True},
    ),
}

ANSWER_LABEL = "Ответить"
# The answer form's button when the policy has the head review the answer first.
REVIEW_LABEL = "Направить на проверку руководителю"

STAFF_ACTIONS: dict[str, PageAction] = {
    "take": PageAction(
        forms.EmptyForm,
        lambda a, u, d: services.appeal_take(appeal=a, actor=u),
        "Обращение взято в работу.",
    ),
    "request-info": PageAction(
        forms.QuestionForm,
        lambda a, u, d: services.appeal_request_info(appeal=a, actor=u, question=d["question"]),
        "Запрос уточнения отправлен заявителю.",
        texts={"question": True},
    ),
    "answer": PageAction(
        forms_files.AnswerFilesForm,
        lambda a, u, d: answer_give(
            appeal=a,
            actor=u,
            attachment_ids=tuple(d["attachment_ids"]),
            **{k: v for k, v in d.items() if k not in forms_files.FILE_FIELDS},
        ),
        "Ответ выдан заявителю.",
        texts={"text": True, "forward_to": True, "decision": False},
        label=lambda a, u: REVIEW_LABEL if review_applies(appeal=a, user=u) else ANSWER_LABEL,
        done_for=lambda result: (
            "Ответ направлен на проверку руководителю."
            if isinstance(result, AnswerDraft)
            else "Ответ выдан заявителю."
        ),
    ),
    # The head's decision on a draft: offered on the draft's card, not in the actions panel.
    "review-approve": PageAction(
        forms.ReviewApproveForm,
        lambda a, u, d: answer_review(appeal=a, actor=u, decision="approve", comment=d["comment"]),
        "Ответ утверждён и выдан заявителю.",
    ),
    "review-return": PageAction(
        forms.ReviewReturnForm,
        lambda a, u, d: answer_review(appeal=a, actor=u, decision="return", comment=d["comment"]),
        "Ответ возвращён исполнителю на доработку.",
    ),
    "redirect": PageAction(
        forms.RedirectForm,
        lambda a, u, d: services.appeal_redirect(
            appeal=a, actor=u, department_code=d["department"], reason=d["reason"]
        ),
        "Обращение перенаправлено.",
        texts={"reason": True},
        form_kwargs=lambda appeal: {"last_day": redirect_last_day(appeal)},
    ),
    "extend": PageAction(
        forms.ExtendForm,
        lambda a, u, d: services.appeal_extend(
            appeal=a, actor=u, due_date=d["due_date"], reason=d["reason"]
        ),
        "Срок продлён, заявитель будет уведомлён.",
        texts={"reason": True},
        form_kwargs=lambda appeal: {
            "approver": EXTENSION_APPROVERS[Approver(extension_approver(appeal))],
            "limit": extension_limit(appeal),
        },
    ),
    "escalate": APPLICANT_ACTIONS["escalate"],
    "note": PageAction(
        forms.TextForm,
        lambda a, u, d: services.appeal_note(appeal=a, actor=u, text=d["text"]),
        "Заметка добавлена.",
        texts={"text": False},
    ),
    "comment": PageAction(
        forms.TextForm,
        lambda a, u, d: services.appeal_comment(appeal=a, actor=u, text=d["text"]),
        "Сообщение заявителю отправлено.",
        texts={"text": True},
    ),
    "reopen": PageAction(
        forms.ReasonForm,
        lambda a, u, d: services.appeal_reopen(appeal=a, actor=u, reason=d["reason"]),
        "Обращение возвращено в работу.",
        texts={"reason": True},
    ),
    "assign": PageAction(
        forms.AssignForm,
        _assign,
        "Исполнитель назначен.",
        form_kwargs=lambda appeal: {"candidates": assignee_candidates(appeal=appeal)},
    ),
    "change-regime": PageAction(
        forms.RegimeForm,
        lambda a, u, d: services.appeal_change_regime(
            appeal=a, actor=u, regime=d["regime"], reason=d["reason"]
        ),
        "Режим рассмотрения изменён, срок пересчитан.",
    ),
    "confirm": PageAction(
        forms.OptionalCommentForm,
        lambda a, u, d: services.appeal_confirm(appeal=a, actor=u, comment=d["comment"]),
        "Ответ подтверждён, заявитель увидит это в истории.",
        texts={"comment": True},
    ),
}


LABELS = {
    "comment": "Написать комментарий",
    "provide-info": "Ответить на уточнение",
    "add-documents": "Добавить документы",
    "withdraw": "Отозвать обращение",
    "close": "Завершить — вопрос решён",
    "rate": "Оценить ответ",
    "escalate": "Эскалация",
    "take": "Взять в работу",
    "request-info": "Запросить уточнение",
    "answer": ANSWER_LABEL,
    "redirect": "Перенаправить",
    "extend": "Продлить срок",
    "note": "Внутренняя заметка",
    "reopen": "Вернуть в работу",
    "confirm": "Подтвердить ответ",
    "assign": "Назначить исполнителя",
    "change-regime": "Изменить режим рассмотрения",
    "review-approve": "Утвердить и выдать",
    "review-return": "Вернуть на доработку",
}
# Actions whose form is empty: shown as a single button instead of a disclosure panel.
ONE_CLICK = {"take", "close"}
