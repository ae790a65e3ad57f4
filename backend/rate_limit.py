"""Sliding-window rate limits kept in the database, so they hold across workers and restarts."""

import hashlib
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from backend.models import RateLimitEvent, utcnow


def allow(db: Session, bucket: str, limit: int, window: timedelta) -> bool:
    """Count one attempt in `bucket`; False when the window already holds `limit` attempts."""
    digest = hashlib.sha256(bucket.encode("utf-8")).hexdigest()
    since = utcnow() - window
    db.execute(delete(RateLimitEvent).where(RateLimitEvent.created_at < since - window))
    used = db.scalar(
        select(func.count())
        .select_from(RateLimitEvent)
        .where(RateLimitEvent.bucket == digest, RateLimitEvent.created_at >= since)
    )
    if (used or 0) >= limit:
        return False
    db.add(RateLimitEvent(bucket=digest))
    return True
