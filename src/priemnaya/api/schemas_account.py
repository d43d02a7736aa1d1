"""Schemas of registration and the own account (issue 9, identity)."""

from __future__ import annotations

from ninja import Schema


class RegisterIn(Schema):
    full_name: str
    email: str = ""
    phone: str = ""
    password: str
    consent: bool = False


class RegisterOut(Schema):
    detail: str
    confirm: list[str]


class ConfirmPhoneIn(Schema):
    phone: str
    code: str


class CodeIn(Schema):
    code: str


class DetailOut(Schema):
    detail: str


class AccountOut(Schema):
    full_name: str
    email: str | None
    phone: str | None
    email_confirmed: bool
    phone_confirmed: bool
    identity_confirmed: bool
    role: str
