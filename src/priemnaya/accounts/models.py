from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone

from priemnaya.accounts.roles import ALL_DEPARTMENTS_ROLES, WORKING_ROLES, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str | None = None, password: str | None = None, **extra) -> User:
        if not email and not extra.get("phone"):
            raise ValueError("A user needs an e-mail or a phone")
        user = self.model(email=self.normalize_email(email) if email else None, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("role", Role.ADMINISTRATOR)
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: a citizen or a member of staff (role decides which)."""

    email = models.EmailField("e-mail", unique=True, null=True, blank=True)
    phone = models.CharField("телефон", max_length=12, unique=True, null=True, blank=True)
    full_name = models.CharField("ФИО", max_length=300)
    role = models.CharField("роль", max_length=16, choices=Role.choices, default=Role.CITIZEN)
    position = models.CharField("должность", max_length=200, blank=True)
    work_phone = models.CharField("рабочий телефон", max_length=32, blank=True)
    is_active = models.BooleanField("активен", default=True)
    # Access to Django admin (configuration); independent of the working role.
    is_staff = models.BooleanField("доступ к администрированию", default=False)
    date_joined = models.DateTimeField("зарегистрирован", default=timezone.now)
    # Identity (issue 9): a contact identifies a person only once confirmed (SMS code, e-mail link).
    email_confirmed_at = models.DateTimeField("e-mail подтверждён", null=True, blank=True)
    phone_confirmed_at = models.DateTimeField("телефон подтверждён", null=True, blank=True)
    # Sessions and API tokens made before this moment are void (password change or reset).
    password_changed_at = models.DateTimeField("пароль изменён", null=True, blank=True)
    # The citizen opted into SMS codes as a second factor (staff must have a second factor).
    second_factor_sms = models.BooleanField("второй фактор по SMS", default=False)
    # Set when the account was deleted at the owner's request: personal fields are anonymised.
    anonymised_at = models.DateTimeField("обезличен", null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = "пользователь"
        verbose_name_plural = "пользователи"
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(phone__isnull=False),
                name="user_has_login",
            )
        ]
        # A registration by staff looks the caller's e-mail up whatever its case (issue 13).
        indexes = [models.Index(Upper("email"), name="user_email_upper_idx")]

    def __str__(self) -> str:
        return self.full_name or self.email or self.phone or f"#{self.pk}"

    @property
    def login(self) -> str:
        return self.email or self.phone or ""

    @property
    def identity_confirmed(self) -> bool:
        """Every contact the account signs in with is confirmed (LEGAL.md §6 rule 7)."""
        email_ok = self.email is None or self.email_confirmed_at is not None
        phone_ok = self.phone is None or self.phone_confirmed_at is not None
        return email_ok and phone_ok

    @property
    def is_citizen(self) -> bool:
        return self.role == Role.CITIZEN

    @property
    def works_appeals(self) -> bool:
        return self.role in WORKING_ROLES

    @property
    def sees_all_departments(self) -> bool:
        return self.role in ALL_DEPARTMENTS_ROLES


class ApiToken(models.Model):
    """A bearer token for apps; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    # What the owner sees on the security page: the device that asked for it and where from.
    name = models.CharField("устройство", max_length=200, blank=True)
    created_ip = models.GenericIPAddressField(null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "токен API"
        verbose_name_plural = "токены API"

    def __str__(self) -> str:
        return f"token of {self.user_id} until {self.expires_at:%Y-%m-%d}"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class Consent(models.Model):
    """Consent to personal-data processing (152-FZ art. 9): which text, when, from where."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    text_version = models.CharField("версия текста", max_length=32)
    accepted_at = models.DateTimeField("дано", default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    withdrawn_at = models.DateTimeField("отозвано", null=True, blank=True)

    class Meta:
        verbose_name = "согласие на обработку ПДн"
        verbose_name_plural = "согласия на обработку ПДн"

    def __str__(self) -> str:
        return f"consent {self.text_version} of {self.user_id}"


class CodePurpose(models.TextChoices):
    CONFIRM_PHONE = "confirm_phone", "подтверждение телефона"
    CONFIRM_EMAIL = "confirm_email", "подтверждение e-mail"
    RESET = "reset", "восстановление пароля"
    SECOND_FACTOR = "second_factor", "второй фактор"
    UNLOCK = "unlock", "разблокировка"


class OneTimeCode(models.Model):
    """A code (or e-mail link secret) sent to a contact; stored only as a keyed hash."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="one_time_codes")
    purpose = models.CharField(max_length=16, choices=CodePurpose.choices)
    channel = models.CharField(max_length=8)  # "sms" or "email"
    destination = models.CharField(max_length=254)  # the normalised phone or e-mail
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    sends = models.PositiveSmallIntegerField(default=1)
    last_sent_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "одноразовый код"
        verbose_name_plural = "одноразовые коды"
        indexes = [models.Index(fields=["user", "purpose", "-created_at"], name="code_lookup")]

    def __str__(self) -> str:
        return f"{self.purpose} code of {self.user_id}"


class UserSession(models.Model):
    """A signed-in browser: what the security page lists and can end."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    remember = models.BooleanField(default=False)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "сеанс"
        verbose_name_plural = "сеансы"

    def __str__(self) -> str:
        return f"session of {self.user_id} from {self.created_at:%Y-%m-%d %H:%M}"


class SignInEvent(models.Model):
    """One sign-in attempt for the owner's history; a failure for an unknown login has no user."""

    class Outcome(models.TextChoices):
        OK = "ok", "вход выполнен"
        BAD_PASSWORD = "bad_password", "неверный пароль"
        LOCKED = "locked", "учётная запись заблокирована"
        BAD_CODE = "bad_code", "неверный код второго фактора"
        RATE_LIMITED = "rate_limited", "слишком много попыток"

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="sign_ins"
    )
    at = models.DateTimeField(default=timezone.now)
    method = models.CharField(max_length=16)  # "password", "token", "second_factor"
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "попытка входа"
        verbose_name_plural = "попытки входа"
        indexes = [models.Index(fields=["user", "-at"], name="signin_history")]

    def __str__(self) -> str:
        return f"{self.outcome} {self.method} at {self.at:%Y-%m-%d %H:%M}"
