"""Connection settings shared by every process, read from the environment (pydantic-settings)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class NotConfigured(RuntimeError):
    """A server's URL is neither set nor known from a running ``asinflow run``."""


class InfraSettings(BaseSettings):
    """Where the broker, the database and Redis are. Unset means "start the embedded one"."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    kafka_bootstrap_servers: str | None = None
    database_url: str | None = None
    redis_url: str | None = None

    def as_env(self) -> dict[str, str]:
        env = {
            "KAFKA_BOOTSTRAP_SERVERS": self.kafka_bootstrap_servers,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
        }
        return {key: value for key, value in env.items() if value}

    def require_complete(self) -> InfraSettings:
        missing = [name for name, value in self.__dict__.items() if not value]
        if missing:
            raise NotConfigured(
                f"not configured: {', '.join(m.upper() for m in missing)}; start `asinflow run` or set them"
            )
        return self


class ConsumerSettings(BaseSettings):
    """Batching knobs of the consumers (DESIGN §7); env prefix ``ASINFLOW_CONSUMER_``."""

    model_config = SettingsConfigDict(env_prefix="ASINFLOW_CONSUMER_", extra="ignore")

    max_records: int = 500
    #: The broker answers a fetch once it has ``fetch_min_bytes`` for the consumer or ``fetch_max_wait_ms`` has
    #: passed: under load, batches stay large (a batch's fixed cost is shared by more events); on an idle stack
    #: each hop waits at most ``fetch_max_wait_ms`` (docs/performance.md has the trade-off, measured). Unset: the
    #: service's own choice (``ServiceSpec``), else 40 ms and 64 KiB.
    fetch_max_wait_ms: int | None = None
    fetch_min_bytes: int | None = None
    #: Transient failures (database, Redis or broker away) are retried with this backoff, never dead-lettered.
    retry_initial_s: float = 0.2
    retry_max_s: float = 5.0
    #: At most this many poison messages (a message the handler fails on while others of its batch apply) are
    #: dead-lettered within ``poison_window_s``; more, or a batch of which nothing applies, is our own fault:
    #: the consumer stops without acknowledging and tries again with backoff up to ``halt_retry_max_s``.
    #: Batches whose published events may await the broker's acknowledgement while the next batch is applied.
    max_publishing: int = 4
    #: Offsets are committed at most this often (and at a rebalance and at stop): a crash redelivers at most
    #: that much, which the inbox drops as duplicates.
    commit_interval_ms: int = 500
    poison_limit: int = 3
    poison_window_s: float = 600.0
    halt_retry_max_s: float = 30.0


class HttpSettings(BaseSettings):
    """Where a service serves /livez, /readyz and /metrics; env ``ASINFLOW_HTTP_HOST`` / ``ASINFLOW_HTTP_PORT``
    (port 0: any free port; the heartbeat records the URL; compose sets 0.0.0.0:8000)."""

    model_config = SettingsConfigDict(env_prefix="ASINFLOW_", extra="ignore")

    http_host: str = "127.0.0.1"
    http_port: int = 0


class RetentionSettings(BaseSettings):
    """How long a service keeps published outbox rows and the ids of applied events; env ``ASINFLOW_OUTBOX_KEEP_S``
    and ``ASINFLOW_INBOX_KEEP_S``. An event redelivered after its id is forgotten would be applied again: keep
    the inbox longer than any redelivery or replay (`asinflow dlq replay` of an old letter included)."""

    model_config = SettingsConfigDict(env_prefix="ASINFLOW_", extra="ignore")

    outbox_keep_s: float = 3_600.0
    inbox_keep_s: float = 7 * 24 * 3_600.0
    prune_interval_s: float = 60.0
