"""The theme suggester: its training set, refusals, suggestions and the model shared via the DB."""

from __future__ import annotations

import json
import pickle

import pytest
from django.core.management import CommandError, call_command

from priemnaya.core.errors import ValidationFailed
from priemnaya.search import suggest
from priemnaya.search.models import SuggestModel
from tests.search.suggest_corpus import corpus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_suggest_model")]


def test_training_refuses_with_too_few_labelled_appeals(catalog):
    with pytest.raises(suggest.TooLittleData, match="Мало размеченных обращений: 12"):
        suggest.train(extra=corpus(per_theme=4))
    assert not SuggestModel.objects.exists()
    assert suggest.suggest("Не приходит смс с кодом") == []


def test_training_refuses_with_a_single_theme(catalog):
    with pytest.raises(suggest.TooLittleData, match="не меньше двух тем"):
        suggest.train(extra=corpus(per_theme=40, themes=("tech-sms",)))


def test_the_command_says_why_it_refused(catalog):
    with pytest.raises(CommandError, match="Модель не обучена: Мало размеченных обращений: 0"):
        call_command("suggest_train")


def test_clear_texts_get_the_right_theme_with_confidence_and_words(catalog):
    model = suggest.train(extra=corpus())
    assert model.metrics["samples"] == 36
    assert model.metrics["holdout"] == 6  # a fifth of each theme's twelve: two
    found = suggest.suggest("Мне не приходит смс с кодом, помогите")
    assert [s.theme for s in found][:1] == ["tech-sms"]
    first = found[0]
    assert first.department == "support"
    assert first.theme_name == "Подтверждение по SMS"
    assert first.confidence > 0.5
    assert "смс" in first.words
    assert "кодом" in first.words  # the text's own word, not the stem «код»
    assert len(found) == 3
    assert found[0].confidence >= found[1].confidence >= found[2].confidence
    payment = suggest.suggest("Верните деньги, оплата пошлины прошла дважды")[0]
    assert (payment.theme, payment.department) == ("services-payment", "services-support")
    assert suggest.suggest("Удалите мои персональные данные")[0].theme == "personal-data"


def test_a_text_of_unknown_words_gets_no_suggestion(catalog):
    suggest.train(extra=corpus())
    assert suggest.suggest("абырвалг") == []


def test_empty_and_too_long_texts_are_refused_naming_the_field(catalog):
    with pytest.raises(ValidationFailed) as empty:
        suggest.suggest("   ")
    assert list(empty.value.errors) == ["text"]
    with pytest.raises(ValidationFailed) as long:
        suggest.suggest("а" * 5001)
    assert list(long.value.errors) == ["text"]
    with pytest.raises(ValidationFailed) as subject:
        suggest.suggest("текст", "б" * 201)
    assert list(subject.value.errors) == ["subject"]


def test_a_new_version_in_the_database_is_picked_up_by_a_running_process(catalog):
    suggest.train(extra=corpus(per_theme=16, themes=("tech-sms", "services-payment")))
    assert suggest.suggest("Прошу удалить мои персональные данные")[0].theme != "personal-data"
    # Another process (the command) stores a newer model: this one loads it on its next call.
    first = suggest.current()
    newer = suggest.train(extra=corpus())
    assert suggest.current() is not first
    assert suggest._cached is not None
    assert suggest._cached[0] == newer.pk
    assert suggest.suggest("Прошу удалить мои персональные данные")[0].theme == "personal-data"


def test_the_model_is_loaded_once_per_version(catalog, django_assert_num_queries):
    suggest.train(extra=corpus())
    with django_assert_num_queries(2):  # the newest id, then its blob
        suggest.current()
    with django_assert_num_queries(1):  # only the newest id: the same version stays loaded
        suggest.current()


def test_the_stored_row_is_a_pickle_of_our_own_trained_object(catalog):
    model = suggest.train(extra=corpus())
    loaded = pickle.loads(bytes(model.blob))  # noqa: S301 — written by the line above
    assert isinstance(loaded, suggest.Trained)
    assert loaded.departments == {
        "tech-sms": "support",
        "services-payment": "services-support",
        "personal-data": "privacy",
    }
    assert model.metrics["classifier"] in {"logistic_regression", "complement_nb"}
    assert set(model.metrics["scores"]) == {"logistic_regression", "complement_nb"}


def test_staff_handled_appeals_are_the_training_set(catalog, citizen, operator, submit, move):
    untouched = submit(citizen, subject="Не подходит пароль")
    taken = move(submit(citizen, subject="Пароль не подходит"), "in_progress")
    answered = move(submit(citizen, theme="tech-sms", subject="Нет смс"), "answered")
    labelled = suggest.staff_labelled()
    subjects = {s.subject: (s.theme, s.department) for s in labelled}
    assert untouched.subject not in subjects
    assert subjects[taken.subject] == ("tech-login", "support")
    assert subjects[answered.subject] == ("tech-sms", "support")


def test_the_command_prints_accuracy_and_writes_the_results(catalog, tmp_path, settings):
    settings.PRIEMNAYA_SUGGEST_MIN_SAMPLES = 30
    # The demo command learns from the demo corpus: about four hundred texts, sixteen themes.
    out = tmp_path / "r.json"
    call_command("demo_suggest_train", "--results", str(out), stdout=(buf := _Buffer()))
    assert "точность top-1" in buf.text
    assert "top-3" in buf.text
    data = json.loads(out.read_text())
    assert data["samples"] >= 300
    assert data["themes"] >= 10
    assert data["top1"] >= 0.8
    assert data["top3"] >= 0.95
    assert data["handwritten"]["n"] > 20


class _Buffer:
    def __init__(self) -> None:
        self.text = ""

    def write(self, s: str) -> None:
        self.text += s

    def flush(self) -> None:
        pass


def test_priemnaya_suggest_train_is_wired_with_its_options():
    from priemnaya.cli import build_parser, cmd_suggest_train

    args = build_parser().parse_args(["suggest", "train", "--holdout", "0.3", "--seed", "7"])
    assert args.func is cmd_suggest_train
    assert (args.holdout, args.seed, args.results) == (0.3, 7, None)


def test_a_holdout_of_zero_stores_a_model_without_scores(catalog):
    model = suggest.train(holdout=0, extra=corpus())
    assert model.metrics["holdout"] == 0
    assert model.metrics["top1"] is None
    assert suggest.suggest("Не приходит смс с кодом")[0].theme == "tech-sms"
