"""WSGI entry point: `flask --app wsgi ...` and `gunicorn wsgi:app`."""
from config import config_for_env
from shop import create_app

app = create_app(config_for_env())
