"""Mail behind the Mailer port: SMTP when a server is configured, otherwise .eml files in a folder."""
from __future__ import annotations

import datetime as dt
import secrets
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from shop.services.ports import MailDeliveryError, OutgoingMail


def build_message(mail: OutgoingMail, sender: str) -> EmailMessage:
    """A multipart/alternative message: the plain text first, then the HTML part."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    message["Content-Language"] = mail.lang  # after the parts: set_content drops Content-* headers
    return message


class SmtpMailer:
    def __init__(self, host: str, port: int = 25, *, use_tls: bool = False, username: str | None = None,
                 password: str | None = None, sender: str) -> None:
        self.host, self.port, self.use_tls = host, port, use_tls
        self.username, self.password, self.sender = username, password, sender

    def send(self, mail: OutgoingMail) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=20) as smtp:
                if self.use_tls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(build_message(mail, self.sender))
        except (OSError, smtplib.SMTPException) as error:
            raise MailDeliveryError(f"{type(error).__name__}: {error}") from error


class FileMailer:
    """Writes each message as an .eml file (development, or a shop without a mail server)."""

    def __init__(self, directory: str | Path, *, sender: str) -> None:
        self.directory, self.sender = Path(directory), sender

    def send(self, mail: OutgoingMail) -> None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            path = self.directory / f"{stamp}-{secrets.token_hex(4)}.eml"
            path.write_bytes(bytes(build_message(mail, self.sender)))
        except OSError as error:
            raise MailDeliveryError(f"{type(error).__name__}: {error}") from error
