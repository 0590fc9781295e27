"""Addresses proved outside allauth's confirmation e-mail.

A later app that sends a link to a mailbox (an invitation) may say, while a
visitor signs up, "this browser opened a still-valid link sent to this
address". The adapter asks every registered proof when the account is
created, not when the link was opened: a link revoked, used or expired in
between proves nothing. Registered from the app's ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class AddressProof:
    key: str
    # The address this request still proves, or None.
    address: Callable[[HttpRequest], str | None]
    # Drop what the request carries for it (once an account is made).
    forget: Callable[[HttpRequest], None]


_proofs: dict[str, AddressProof] = {}


def register(proof: AddressProof) -> None:
    existing = _proofs.get(proof.key)
    if existing is not None and existing != proof:
        raise ValueError(f"An address proof named {proof.key!r} is already registered.")
    _proofs[proof.key] = proof


def proved_addresses(request: HttpRequest) -> set[str]:
    """The addresses, lower-cased, that ``request`` proves right now."""
    found = set()
    for proof in _proofs.values():
        address = proof.address(request)
        if address:
            found.add(address.strip().lower())
    return found


def forget_all(request: HttpRequest) -> None:
    for proof in _proofs.values():
        proof.forget(request)
