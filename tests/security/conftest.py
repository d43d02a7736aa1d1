from tests.security.helpers import _no_otp_throttling, sms  # noqa: F401
