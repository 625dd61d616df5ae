"""The buyer's storefront: home, listing, product pages and cart (under /<lang>/)."""
from flask import Blueprint

from shop.web.localized import localized_blueprint

bp = localized_blueprint("storefront", __name__)
root_bp = Blueprint("root", __name__)


@bp.record_once
def _register_display(state) -> None:
    from shop.web.storefront import display
    display.register(state.app)
    seo.register(state.app)


def _catalogue_read() -> bool:
    """Reading the catalogue is never rate limited; skipping the limiter's bookkeeping for
    these GETs keeps cached pages cheap. Forms (POST) stay under the limiter."""
    from flask import request
    return request.method in ("GET", "HEAD") and (request.endpoint or "").startswith("storefront.")


@bp.record_once
def _exempt_catalogue_reads_from_rate_limits(_state) -> None:
    from shop.extensions import limiter
    if _catalogue_read not in getattr(limiter, "_request_filters", []):  # one limiter, many apps in tests
        limiter.request_filter(_catalogue_read)


from shop.web.storefront import routes, seo  # noqa: E402,F401
