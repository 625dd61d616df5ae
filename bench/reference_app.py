"""A bare Flask app that serves a fixed body: the reference every web figure is a ratio to."""
import os
from pathlib import Path

from flask import Flask, Response

app = Flask(__name__)
_BODY = Path(os.environ["BENCH_BODY_FILE"]).read_bytes() if os.environ.get("BENCH_BODY_FILE") else b"{}"
_TYPE = os.environ.get("BENCH_BODY_TYPE", "application/json")


@app.route("/", defaults={"path": ""})
@app.route("/<path:path>")
def body(path):
    return Response(_BODY, content_type=_TYPE)
