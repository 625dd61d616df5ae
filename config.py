"""Configuration classes read from the environment (see CONTRACT.md)."""
import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
INSTANCE = ROOT / "instance"
DEV_SECRET = "dev-only-not-secret-kashgar"


class Config:
    SHOP_ENV = "development"
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY") or DEV_SECRET
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE / 'shop.db'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    LANGUAGES = ("en", "zh", "ru", "ur")
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY")
    STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE")
    STRIPE_JS_URL = os.environ.get("STRIPE_JS_URL") or "https://js.stripe.com/v3/"
    REDIS_URL = os.environ.get("REDIS_URL")
    # Keys this shop writes in Redis start with this (several shops or test runs can share one).
    REDIS_PREFIX = os.environ.get("REDIS_PREFIX") or "kashgar-shop"
    # Limits hold across workers: Redis when REDIS_URL is set, else one SQLite file on this machine.
    RATELIMIT_STORAGE_URI = (os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL")
                             or f"sqlitefile:///{INSTANCE / 'ratelimits.db'}")
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "shop")
    MERCHANT_API_RATE_LIMIT = os.environ.get("MERCHANT_API_RATE_LIMIT") or "300 per minute"
    OPERATOR_API_RATE_LIMIT = os.environ.get("OPERATOR_API_RATE_LIMIT") or "600 per minute"
    # Largest request body accepted (bytes); larger answers 413. CSV imports fit well within it.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(8 * 1024 * 1024)))
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "1").lower() not in ("0", "false", "no")
    PAYMENT_DEADLINE_MINUTES = int(os.environ.get("PAYMENT_DEADLINE_MINUTES", "30"))
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_FROM = os.environ.get("MAIL_FROM", "shop@kashgar-bonded.example")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    # A daily exchange-rate feed in the ECB's XML format; unset = only the admin's rates.
    EXCHANGE_RATES_URL = os.environ.get("EXCHANGE_RATES_URL") or None
    # The shop's public address: every absolute link it writes (e-mails, documents, payment
    # return) is made from it, never from a request's Host header. Required in production.
    SHOP_BASE_URL: str | None = os.environ.get("SHOP_BASE_URL", "http://127.0.0.1:5000")
    # Host names requests may carry (comma-separated); others get a 400. Unset = any, except in
    # production, where it defaults to SHOP_BASE_URL's host.
    TRUSTED_HOSTS = [h.strip() for h in os.environ["TRUSTED_HOSTS"].split(",") if h.strip()] if os.environ.get(
        "TRUSTED_HOSTS") else None
    # Without MAIL_SERVER, mail is written as .eml files here.
    MAIL_DIR = os.environ.get("MAIL_DIR") or str(INSTANCE / "mail")
    # A lot must not expire within this many days after the delivery date to be allocated.
    EXPIRY_MARGIN_DAYS = int(os.environ.get("EXPIRY_MARGIN_DAYS", "14"))
    # Days after delivery a buyer may ask to send goods back.
    RETURN_DAYS = int(os.environ.get("RETURN_DAYS", "14"))
    # Currencies Stripe may charge in, comma-separated (others are charged in CNY); unset = all.
    STRIPE_CURRENCIES = [c.strip().upper() for c in os.environ.get("STRIPE_CURRENCIES", "").split(",") if c.strip()]
    # Offer Alipay and WeChat Pay beside the card: "1"/"0"; unset = in production only.
    STRIPE_WALLETS = ({"1": True, "true": True, "0": False, "false": False}.get(
        os.environ.get("STRIPE_WALLETS", "").lower()))
    # Product photos: a folder served at /media/, or an S3-compatible bucket when S3_BUCKET is set
    # (MEDIA_BASE_URL: where browsers fetch them, e.g. a CDN; else the bucket's own address).
    MEDIA_DIR = os.environ.get("MEDIA_DIR") or str(INSTANCE / "media")
    S3_BUCKET = os.environ.get("S3_BUCKET") or None
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL") or None
    S3_REGION = os.environ.get("S3_REGION") or None
    AWS_ACCESS_KEY_ID = os.environ.get("AWS_ACCESS_KEY_ID") or None
    AWS_SECRET_ACCESS_KEY = os.environ.get("AWS_SECRET_ACCESS_KEY") or None
    MEDIA_BASE_URL = os.environ.get("MEDIA_BASE_URL") or None
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    PER_PAGE = 24
    # Seconds a public catalogue page or JSON response is kept per worker (0 = never); unset = 10,
    # and 0 under TESTING.
    STOREFRONT_PAGE_CACHE_SECONDS = (float(os.environ["STOREFRONT_PAGE_CACHE_SECONDS"])
                                     if os.environ.get("STOREFRONT_PAGE_CACHE_SECONDS") else None)
    JSON_SORT_KEYS = False


class DevelopmentConfig(Config):
    pass


class TestingConfig(Config):
    SHOP_ENV = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    RATELIMIT_ENABLED = False
    # Cheap hashing keeps the suite fast; the hash is still salted and checked for real.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    RATELIMIT_STORAGE_URI = "memory://"
    SERVER_NAME = None
    MAIL_SERVER = None
    # Never the repository's instance/ folder; tests that read mail give their own tmp folder.
    MAIL_DIR = str(Path(tempfile.gettempdir()) / f"kashgar-shop-test-mail-{os.getuid()}")
    # Never the repository's instance/media/ either; tests that look at files give their own.
    MEDIA_DIR = str(Path(tempfile.gettempdir()) / f"kashgar-shop-test-media-{os.getuid()}")
    S3_BUCKET = None
    # Background jobs the web queues (photo renditions) run inline, as with huey.immediate.
    HUEY_IMMEDIATE = True


class ProductionConfig(Config):
    SHOP_ENV = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SHOP_BASE_URL = os.environ.get("SHOP_BASE_URL")


CONFIGS = {"development": DevelopmentConfig, "testing": TestingConfig, "production": ProductionConfig}


def config_for_env(name: str | None = None) -> type[Config]:
    """The config class named by SHOP_ENV (development by default)."""
    name = name or os.environ.get("SHOP_ENV") or "development"
    try:
        return CONFIGS[name]
    except KeyError:
        raise SystemExit(f"SHOP_ENV must be one of {', '.join(CONFIGS)}, not {name!r}") from None
