"""Scale-out mode: Rasa replicas behind the backend, sharing PostgreSQL and Redis.

`make run-scale-out` (SCALE_OUT=1) runs a PostgreSQL cluster (var/scale-out/) for the backend
and Rasa's tracker store, a Redis server for Rasa's conversation locks, and RASA_REPLICAS Rasa
servers (default 2) on RASA_PORT, RASA_PORT+1, ... The backend sends turns to them in round
robin; any replica can take any turn because none keeps a conversation in memory.
"""

import os
from pathlib import Path

from launcher.local_servers import create_database, postgres_service, redis_service
from launcher.services import Ports, ScaleOut, Service

BACKEND_DATABASE = "celia"
TRACKER_DATABASE = "rasa_tracker"


def data_services(root: Path, postgres_port: int, redis_port: int) -> list[Service]:
    return [postgres_service(root / "postgres", postgres_port), redis_service(redis_port)]


def create_databases(postgres_port: int, redis_port: int, rasa_ports: tuple[int, ...]) -> ScaleOut:
    """The two databases (made if missing) on a running server, and the wiring to use them."""
    return ScaleOut(
        rasa_ports=rasa_ports,
        postgres_port=postgres_port,
        redis_port=redis_port,
        backend_database_url=create_database(postgres_port, BACKEND_DATABASE),
        tracker_database_url=create_database(postgres_port, TRACKER_DATABASE),
        tracker_database=TRACKER_DATABASE,
    )


def ports_from_env(ports: Ports) -> tuple[int, int, tuple[int, ...]]:
    """PostgreSQL port, Redis port and the Rasa replicas' ports, from the environment."""
    replicas = max(1, int(os.environ.get("RASA_REPLICAS", "2")))
    return (
        int(os.environ.get("POSTGRES_PORT", "5433")),
        int(os.environ.get("REDIS_PORT", "6380")),
        tuple(ports.rasa + number for number in range(replicas)),
    )
