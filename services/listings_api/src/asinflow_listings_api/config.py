"""The listings API's own settings; env prefix ``ASINFLOW_API_`` (where it listens: ``HttpSettings``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ApiSettings(BaseSettings):
    """Where the owners' HTTP routes are. Unset: where each service's latest heartbeat says it serves (what
    ``asinflow run`` and the tests need); compose sets ``ASINFLOW_API_OWNER_URL_TEMPLATE=http://{service}:8000``."""

    model_config = SettingsConfigDict(env_prefix="ASINFLOW_API_", extra="ignore")

    owner_url_template: str | None = Field(
        default=None, description="The base URL of every owner, `{service}` replaced by its name."
    )
    owner_urls: dict[str, str] = Field(
        default_factory=dict, description='Base URLs by service name (JSON: {"catalog": "http://…"}); first choice.'
    )
    owner_timeout_s: float = Field(default=10.0, gt=0, description="How long an owner may take to answer.")
    heartbeat_ttl_s: float = Field(default=5.0, ge=0, description="How long an owner URL from a heartbeat is reused.")
