"""Accounts of the people who review the atlas on the web: names, roles, password hashes, tokens.

Roles, each including the one before: `viewer` (may read a private atlas), `editor` (reviews
records, adds them by hand, uploads documents), `admin` (an editor who also manages accounts).
Passwords are hashed with argon2id (`argon2-cffi`, its default parameters, RFC 9106); API tokens
are random (32 bytes, URL-safe) and only their SHA-256 is stored. Accounts are created from the
command line (`jumelage user add`), read by `jumelage.web`.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from jumelage.atlas.models import Base
from jumelage.errors import AtlasError

if TYPE_CHECKING:
    from jumelage.atlas.store import Atlas

ROLES = ("viewer", "editor", "admin")
NAME_MAX = 64
PASSWORD_MIN = 8
_HASHER = PasswordHasher()
_DUMMY = _HASHER.hash("not a password of anyone")  # verified for unknown names: same cost


class User(Base):
    """A person allowed to sign in: a unique name, a role, an argon2 hash of the password."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('viewer', 'editor', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ApiToken(Base):
    """A bearer token for the JSON API, acting as its user; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _public(u: User) -> dict[str, Any]:
    return {"id": u.id, "name": u.name, "role": u.role}


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX or any(c.isspace() or not c.isprintable() for c in name):
        raise AtlasError(f"user name {name!r}: 1 to {NAME_MAX} printable characters, no spaces")
    return name


def add_user(atlas: Atlas, name: str, password: str, role: str = "viewer",
             replace: bool = False) -> dict[str, Any]:
    """Create an account (or, with `replace`, set the password and role of an existing one).

    Returns `{"id", "name", "role"}`. Raises AtlasError for a bad name, an unknown role, a
    password shorter than 8 characters, or a name already taken (without `replace`).
    """
    name = _check_name(name)
    if role not in ROLES:
        raise AtlasError(f"role {role!r}: use one of {', '.join(ROLES)}")
    if len(password or "") < PASSWORD_MIN:
        raise AtlasError(f"password for {name}: at least {PASSWORD_MIN} characters")
    digest = _HASHER.hash(password)
    with atlas._writing() as s:
        user = s.scalar(select(User).where(User.name == name))
        if user is not None and not replace:
            raise AtlasError(f"user {name} already exists (use --replace to reset it)")
        if user is None:
            user = User(name=name, created_at=_now())
            s.add(user)
        user.role, user.password_hash = role, digest
        s.flush()
        return _public(user)


def users(atlas: Atlas) -> list[dict[str, Any]]:
    """Every account as `{"id", "name", "role"}`, by name."""
    return atlas._read(lambda s: [_public(u) for u in s.scalars(select(User).order_by(User.name))])


def remove_user(atlas: Atlas, name: str) -> bool:
    """Delete an account and its tokens; False when there is none of that name."""
    with atlas._writing() as s:
        user = s.scalar(select(User).where(User.name == name))
        if user is None:
            return False
        for t in s.scalars(select(ApiToken).where(ApiToken.user_id == user.id)):
            s.delete(t)
        s.delete(user)
        return True


def authenticate(atlas: Atlas, name: str, password: str) -> dict[str, Any] | None:
    """The account if `password` is its password, else None (same cost for unknown names)."""
    with atlas._writing() as s:
        user = s.scalar(select(User).where(User.name == (name or "").strip()))
        try:
            _HASHER.verify(user.password_hash if user else _DUMMY, password or "")
        except (VerificationError, InvalidHashError):
            return None
        if user is None:
            return None
        if _HASHER.check_needs_rehash(user.password_hash):
            user.password_hash = _HASHER.hash(password)
        user.last_login_at = _now()
        return _public(user)


def user(atlas: Atlas, user_id: int) -> dict[str, Any] | None:
    """The account with this id (a session's), or None if it was removed."""
    def get(s: Session) -> dict[str, Any] | None:
        u = s.get(User, user_id)
        return _public(u) if u else None
    return atlas._read(get)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(atlas: Atlas, name: str) -> str:
    """A new API token for the account `name` (shown once; only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    with atlas._writing() as s:
        user = s.scalar(select(User).where(User.name == name))
        if user is None:
            raise AtlasError(f"no user {name}")
        s.add(ApiToken(user_id=user.id, token_hash=_digest(token), created_at=_now()))
    return token


def token_user(atlas: Atlas, token: str) -> dict[str, Any] | None:
    """The account a bearer token acts for, or None."""
    def get(s: Session) -> dict[str, Any] | None:
        u = s.scalar(select(User).join(ApiToken, ApiToken.user_id == User.id)
                     .where(ApiToken.token_hash == _digest(token)))
        return _public(u) if u else None
    return atlas._read(get)


def allows(role: str | None, needed: str) -> bool:
    """Whether an account of `role` (None: anonymous) has the rights of `needed`."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)
