"""What is inside an envelope's encrypted body, for each kind of envelope.

Bodies are canonical JSON. They are parsed strictly after decryption: a body from a peer that
does not match its kind's shape is refused like any other bad input.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rasad.comms.crypto import CryptoError, Failure
from rasad.comms.crypto.encoding import canonical_json

MAX_SUBJECT = 200
MAX_TEXT = 100_000
MAX_NAME = 200


def _text(value: Any, limit: int, what: str, *, required: bool = False) -> str:
    if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
        raise CryptoError(Failure.BODY, f"{what} must be text of at most {limit} characters")
    return value


def _load(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise CryptoError(Failure.BODY, "the body is not UTF-8 JSON") from None
    if not isinstance(value, dict):
        raise CryptoError(Failure.BODY, "the body must be an object")
    return value


@dataclass(frozen=True)
class AttachmentInfo:
    name: str
    content_type: str
    size: int
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class Reference:
    """A case or incident the message is about, as the sender's node names it."""

    reference: str
    title: str
    centre: str

    def to_dict(self) -> dict[str, Any]:
        return {"reference": self.reference, "title": self.title, "centre": self.centre}


@dataclass(frozen=True)
class MessageContent:
    subject: str
    text: str
    author: str
    author_title: str = ""
    attachments: tuple[AttachmentInfo, ...] = ()
    references: tuple[Reference, ...] = ()

    def to_bytes(self) -> bytes:
        return canonical_json(
            {
                "subject": self.subject,
                "text": self.text,
                "author": self.author,
                "author_title": self.author_title,
                "attachments": [item.to_dict() for item in self.attachments],
                "references": [item.to_dict() for item in self.references],
            }
        )

    @classmethod
    def from_bytes(cls, body: bytes, *, attachment_count: int) -> MessageContent:
        value = _load(body)
        attachments = value.get("attachments", [])
        references = value.get("references", [])
        if not isinstance(attachments, list) or len(attachments) != attachment_count:
            raise CryptoError(Failure.BODY, "the body does not describe each attachment")
        if not isinstance(references, list) or len(references) > 20:
            raise CryptoError(Failure.BODY, "the body lists references badly")
        parsed_attachments = []
        for item in attachments:
            if not isinstance(item, dict) or not isinstance(item.get("size"), int):
                raise CryptoError(Failure.BODY, "an attachment description is malformed")
            parsed_attachments.append(
                AttachmentInfo(
                    name=_text(item.get("name"), MAX_NAME, "an attachment name", required=True),
                    content_type=_text(item.get("content_type"), 100, "an attachment type"),
                    size=item["size"],
                    sha256=_text(item.get("sha256"), 64, "an attachment digest"),
                )
            )
        parsed_references = []
        for item in references:
            if not isinstance(item, dict):
                raise CryptoError(Failure.BODY, "a reference is malformed")
            parsed_references.append(
                Reference(
                    reference=_text(item.get("reference"), 40, "a reference", required=True),
                    title=_text(item.get("title"), 300, "a reference title"),
                    centre=_text(item.get("centre"), 40, "a reference centre"),
                )
            )
        return cls(
            subject=_text(value.get("subject"), MAX_SUBJECT, "the subject", required=True),
            text=_text(value.get("text"), MAX_TEXT, "the text"),
            author=_text(value.get("author"), MAX_NAME, "the author"),
            author_title=_text(value.get("author_title", ""), MAX_NAME, "the author's title"),
            attachments=tuple(parsed_attachments),
            references=tuple(parsed_references),
        )


@dataclass(frozen=True)
class ReceiptContent:
    reader: str
    note: str = ""

    def to_bytes(self) -> bytes:
        return canonical_json({"reader": self.reader, "note": self.note})

    @classmethod
    def from_bytes(cls, body: bytes) -> ReceiptContent:
        value = _load(body)
        return cls(
            reader=_text(value.get("reader"), MAX_NAME, "the reader"),
            note=_text(value.get("note", ""), 1000, "the note"),
        )


@dataclass(frozen=True)
class MemberInfo:
    code: str
    name: str
    node_url: str


@dataclass(frozen=True)
class GroupContent:
    uid: str
    code: str
    name: str
    thread_uid: str
    members: tuple[MemberInfo, ...] = field(default_factory=tuple)

    def to_bytes(self) -> bytes:
        return canonical_json(
            {
                "uid": self.uid,
                "code": self.code,
                "name": self.name,
                "thread_uid": self.thread_uid,
                "members": [{"code": m.code, "name": m.name, "node_url": m.node_url} for m in self.members],
            }
        )

    @classmethod
    def from_bytes(cls, body: bytes) -> GroupContent:
        value = _load(body)
        members = value.get("members")
        if not isinstance(members, list) or not 2 <= len(members) <= 64:
            raise CryptoError(Failure.BODY, "a joint group lists 2 to 64 member centres")
        return cls(
            uid=_text(value.get("uid"), 36, "the group id", required=True),
            code=_text(value.get("code"), 40, "the group code", required=True),
            name=_text(value.get("name"), 200, "the group name", required=True),
            thread_uid=_text(value.get("thread_uid"), 36, "the group thread", required=True),
            members=tuple(
                MemberInfo(
                    code=_text(
                        m.get("code") if isinstance(m, dict) else None, 40, "a member code", required=True
                    ),
                    name=_text(m.get("name"), 200, "a member name"),
                    node_url=_text(m.get("node_url"), 300, "a member address"),
                )
                for m in members
            ),
        )


@dataclass(frozen=True)
class TaskContent:
    uid: str
    group_uid: str
    title: str
    description: str
    assigned_centre: str
    due_date: date | None
    status: str
    version: int
    category: str = "other"

    def to_bytes(self) -> bytes:
        return canonical_json(
            {
                "uid": self.uid,
                "group_uid": self.group_uid,
                "title": self.title,
                "description": self.description,
                "assigned_centre": self.assigned_centre,
                "due_date": self.due_date.isoformat() if self.due_date else None,
                "status": self.status,
                "version": self.version,
                "category": self.category,
            }
        )

    @classmethod
    def from_bytes(cls, body: bytes) -> TaskContent:
        value = _load(body)
        due = value.get("due_date")
        try:
            due_date = date.fromisoformat(due) if isinstance(due, str) else None
        except ValueError:
            raise CryptoError(Failure.BODY, "the task's due date is not a date") from None
        if value.get("status") not in ("open", "done") or not isinstance(value.get("version"), int):
            raise CryptoError(Failure.BODY, "the task's status or version is malformed")
        return cls(
            uid=_text(value.get("uid"), 36, "the task id", required=True),
            group_uid=_text(value.get("group_uid"), 36, "the task's group", required=True),
            title=_text(value.get("title"), 300, "the task title", required=True),
            description=_text(value.get("description"), 10_000, "the task description"),
            assigned_centre=_text(value.get("assigned_centre"), 40, "the assigned centre", required=True),
            due_date=due_date,
            status=value["status"],
            version=value["version"],
            category=_text(value.get("category", "other"), 50, "the task category"),
        )
