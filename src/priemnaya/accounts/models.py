from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
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

    def __str__(self) -> str:
        return self.full_name or self.email or self.phone or f"#{self.pk}"

    @property
    def login(self) -> str:
        return self.email or self.phone or ""

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

    class Meta:
        verbose_name = "токен API"
        verbose_name_plural = "токены API"

    def __str__(self) -> str:
        return f"token of {self.user_id} until {self.expires_at:%Y-%m-%d}"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
