"""The outside world: Stripe, SMTP or .eml files, WeasyPrint and python-barcode, each behind an
interface of shop/services/ports.py; shop/bootstrap.py chooses and wires them."""
