"""Web layer: one blueprint per audience, thin views over shop.services."""
from flask import Flask


def register_blueprints(app: Flask) -> None:
    from shop.web.account import bp as account_bp
    from shop.web.admin import bp as admin_bp
    from shop.web.api import bp as api_bp
    from shop.web.checkout import bp as checkout_bp
    from shop.web.fulfilment import bp as fulfilment_bp
    from shop.web.merchant import bp as merchant_bp
    from shop.web.storefront import bp as storefront_bp
    from shop.web.storefront import root_bp
    from shop.web.webhooks import bp as webhooks_bp

    app.register_blueprint(root_bp)
    app.register_blueprint(storefront_bp, url_prefix="/<lang:lang>")
    app.register_blueprint(account_bp, url_prefix="/<lang:lang>")
    app.register_blueprint(checkout_bp, url_prefix="/<lang:lang>")
    app.register_blueprint(merchant_bp, url_prefix="/merchant")
    app.register_blueprint(fulfilment_bp, url_prefix="/fulfilment")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(webhooks_bp, url_prefix="/webhooks")
    from shop.web.shipping import bp as shipping_bp
    app.register_blueprint(shipping_bp, url_prefix="/<lang:lang>")
    from shop.web.desk import bp as desk_bp
    app.register_blueprint(desk_bp, url_prefix="/admin/orders")
    from shop.web.media import allow_photo_uploads
    from shop.web.media import bp as media_bp
    app.register_blueprint(media_bp)
    app.before_request(allow_photo_uploads)  # before the input guard (registered later) reads a form
