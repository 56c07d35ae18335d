"""Hydra/OmegaConf glue shared by the entry scripts and the tests."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

from omegaconf import OmegaConf

ROOT = Path(__file__).resolve().parents[2]
CONFIG_DIR = ROOT / "configs"

if not OmegaConf.has_resolver("hadath_root"):
    OmegaConf.register_new_resolver("hadath_root", lambda: str(ROOT))


@contextmanager
def user_errors():
    """Turn the errors a user can fix into one line on stderr and exit code 1, instead of a traceback."""
    from hadath.documents import AnnotationError
    from hadath.errors import UserError
    from hadath.modeling import ModelLoadError
    from hadath.schema import SchemaError

    try:
        yield
    except AnnotationError as err:
        print(f"error: {err}\nnothing was written", file=sys.stderr)
        sys.exit(1)
    except (UserError, ModelLoadError, SchemaError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(1)
