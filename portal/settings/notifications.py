"""Messages to customers: SMS gateways, e-mail, quiet hours and retries, and the periodic reminders' rules."""

import json
import os

from .core import env_bool, env_list

# --- Notifications: SMS gateways, e-mail, quiet hours (workshop/notifications) -----------------
ECAR_SMS_BACKEND = os.environ.get("ECAR_SMS_BACKEND", "console")  # console, tunisiesms, winsms, http
ECAR_SMS_URL = os.environ.get("ECAR_SMS_URL", "")
ECAR_SMS_KEY = os.environ.get("ECAR_SMS_KEY", "")
ECAR_SMS_SENDER = os.environ.get("ECAR_SMS_SENDER", "ECAR")  # registered sender name, <= 11 letters or digits
ECAR_SMS_TIMEOUT = float(os.environ.get("ECAR_SMS_TIMEOUT", "10"))  # seconds per gateway call
ECAR_SMS_HTTP_METHOD = os.environ.get("ECAR_SMS_HTTP_METHOD", "GET")
ECAR_SMS_HTTP_PARAMS = json.loads(os.environ.get("ECAR_SMS_HTTP_PARAMS", "{}"))  # {"phone":..,"text":..,"sender":..}
ECAR_SMS_HTTP_EXTRA = json.loads(os.environ.get("ECAR_SMS_HTTP_EXTRA", "{}"))  # fixed parameters (the key)
ECAR_SMS_HTTP_SUCCESS = os.environ.get("ECAR_SMS_HTTP_SUCCESS", "status=ok")  # path=value, or a word in a text answer
ECAR_SMS_HTTP_ID = os.environ.get("ECAR_SMS_HTTP_ID", "message_id")
ECAR_SMS_HTTP_ERROR = os.environ.get("ECAR_SMS_HTTP_ERROR", "message")
ECAR_SMS_GSM7_TRANSLITERATION = env_bool("ECAR_SMS_GSM7_TRANSLITERATION", True)  # ç→c, ê→e: 160 chars, not 70
ECAR_SMS_QUIET_START = os.environ.get("ECAR_SMS_QUIET_START", "21:00")  # Africa/Tunis
ECAR_SMS_QUIET_END = os.environ.get("ECAR_SMS_QUIET_END", "08:00")
ECAR_SMS_QUIET_HOURS_EXEMPT_EVENTS = env_list("ECAR_SMS_QUIET_HOURS_EXEMPT_EVENTS", "verification_code")
ECAR_NOTIFY_REQUIRED_EVENTS = env_list("ECAR_NOTIFY_REQUIRED_EVENTS", "verification_code")  # sent despite opt-out
ECAR_SMS_DLR_DAYS = int(os.environ.get("ECAR_SMS_DLR_DAYS", "3"))  # delivery reports asked for this long
ECAR_NOTIFY_MAX_ATTEMPTS = int(os.environ.get("ECAR_NOTIFY_MAX_ATTEMPTS", "6"))
ECAR_NOTIFY_RETRY_BASE_SECONDS = int(os.environ.get("ECAR_NOTIFY_RETRY_BASE_SECONDS", "60"))
ECAR_NOTIFY_RETRY_MAX_SECONDS = int(os.environ.get("ECAR_NOTIFY_RETRY_MAX_SECONDS", "3600"))
ECAR_NOTIFY_DISPATCH_GRACE_SECONDS = int(os.environ.get("ECAR_NOTIFY_DISPATCH_GRACE_SECONDS", "300"))
ECAR_NOTIFY_DISPATCH_BATCH = int(os.environ.get("ECAR_NOTIFY_DISPATCH_BATCH", "1000"))
ECAR_NOTIFY_STALE_CLAIM_SECONDS = int(os.environ.get("ECAR_NOTIFY_STALE_CLAIM_SECONDS", "900"))
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ECAR <no-reply@localhost>")
ECAR_EMAIL_DOMAIN = os.environ.get("ECAR_EMAIL_DOMAIN", "ecar.local")  # right of the @ in Message-IDs

# --- Reminders (workshop.notifications.reminders; README « Relances ») ------------------------------
# Service due (the reminders and the car page): from the car's last maintenance job plus these intervals (or the
# car's own), by date or by mileage at the trend of its visits, whichever comes first.
ECAR_SERVICE_INTERVAL_MONTHS = int(os.environ.get("ECAR_SERVICE_INTERVAL_MONTHS", "12"))
ECAR_SERVICE_INTERVAL_KM = int(os.environ.get("ECAR_SERVICE_INTERVAL_KM", "10000"))
ECAR_SERVICE_JOB_KINDS = env_list("ECAR_SERVICE_JOB_KINDS", "maintenance")  # the job kinds that count as a service
ECAR_SERVICE_REMINDER_DAYS_BEFORE = int(os.environ.get("ECAR_SERVICE_REMINDER_DAYS_BEFORE", "7"))
ECAR_SERVICE_FOLLOWUP_DAYS = int(os.environ.get("ECAR_SERVICE_FOLLOWUP_DAYS", "21"))  # after the first reminder
# A service overdue for longer than this is not reminded (the customer has gone elsewhere).
ECAR_SERVICE_REMINDER_MAX_OVERDUE_DAYS = int(os.environ.get("ECAR_SERVICE_REMINDER_MAX_OVERDUE_DAYS", "180"))
# The mileage trend needs visits spanning at least this many days.
ECAR_MILEAGE_TREND_MIN_DAYS = int(os.environ.get("ECAR_MILEAGE_TREND_MIN_DAYS", "30"))
# Payment reminders: days after the invoice's due date; public bodies only when asked.
ECAR_PAYMENT_REMINDER_DAYS = [int(day) for day in env_list("ECAR_PAYMENT_REMINDER_DAYS", "7,30")]
ECAR_PAYMENT_REMINDERS_TO_PUBLIC_BODIES = env_bool("ECAR_PAYMENT_REMINDERS_TO_PUBLIC_BODIES", False)
# Declined work: days after the customer turned the estimate down.
ECAR_DECLINED_WORK_REMINDER_DAYS = int(os.environ.get("ECAR_DECLINED_WORK_REMINDER_DAYS", "30"))
# Visite technique (décret 2000-148, amended by 2016-859), per car category, in months of age:
# `first` is the first inspection's deadline; then `steps` [[below_age, every], ..., [None, every]].
ECAR_INSPECTION_RULES = {
    "private": {"first": 48, "steps": [[120, 24], [None, 12]]},
    "utility": {"first": 24, "steps": [[120, 12], [None, 6]]},
    "taxi": {"first": 12, "steps": [[36, 12], [None, 6]]},
    "louage": {"first": 12, "steps": [[36, 12], [None, 6]]},
    "rural": {"first": 12, "steps": [[36, 12], [None, 6]]},
    "driving_school": {"first": 12, "steps": [[36, 12], [None, 6]]},
}
ECAR_INSPECTION_REMINDER_DAYS_BEFORE = int(os.environ.get("ECAR_INSPECTION_REMINDER_DAYS_BEFORE", "30"))
# Vignette (annual road tax): deadline (month, day) per payer; reminded this many days before.
ECAR_ROAD_TAX_DEADLINES = {"company": (2, 5), "even": (3, 5), "odd": (4, 5)}
ECAR_ROAD_TAX_REMINDER_DAYS_BEFORE = int(os.environ.get("ECAR_ROAD_TAX_REMINDER_DAYS_BEFORE", "15"))
# Only cars seen at the garage (a job received) within this many months get the road-tax reminder.
ECAR_ROAD_TAX_ACTIVE_MONTHS = int(os.environ.get("ECAR_ROAD_TAX_ACTIVE_MONTHS", "24"))
