"""Hydra/OmegaConf glue shared by the entry scripts and the tests."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

from omegaconf import OmegaConf

PACKAGE = Path(__file__).resolve().parent
CONFIG_DIR = PACKAGE / "configs"  # shipped in the package; the repository's configs/ points here
# The repository root when running from a checkout (its annotations/ and models/ are there),
# else the working directory (an installed package: data paths are the user's).
ROOT = PACKAGE.parents[1] if (PACKAGE.parents[1] / "annotations").is_dir() else Path.cwd()

if not OmegaConf.has_resolver("hadath_root"):
    OmegaConf.register_new_resolver("hadath_root", lambda: str(ROOT))


@contextmanager
def user_errors():
    """Turn the errors a user can fix into one line on stderr and exit code 1, instead of a traceback."""
    from hadath.documents import AnnotationError
    from hadath.errors import UserError

    try:
        yield
    except AnnotationError as err:
        print(f"error: {err}\nnothing was written", file=sys.stderr)
        sys.exit(1)
    except (UserError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(1)


def check_overrides(config_name: str, argv: list[str] | None = None) -> None:
    """Exit with one line naming the nearest valid key when a command-line override names no config key.

    Hydra refuses such an override too ("Key 'learning_rat' is not in struct"), but does not say
    what was meant; this check runs first and does. Anything else is left to Hydra.
    """
    from hydra import compose, initialize_config_dir
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    argv = sys.argv[1:] if argv is None else argv
    plain = [a for a in argv if "=" in a and not a.startswith(("-", "+", "~", "hydra.", "hydra/"))]
    if not plain or any("," in a.partition("=")[2] for a in plain):  # nothing to check, or a sweep
        return
    values = [a for a in plain if "/" not in a.partition("=")[0]]
    groups = [a for a in values if a.partition("=")[0] in _group_names()]  # model=tiny, task=…
    # With every override, else with the group choices alone (so that model.tiny.… is checked
    # against model=tiny when another key is the misspelt one), else the defaults.
    cfg = None
    for overrides in (values, groups, []):
        try:
            with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
                cfg = compose(config_name=config_name, overrides=overrides)
            break
        except (HydraException, OmegaConfBaseException):
            continue
    if cfg is None:
        return
    for override in plain:
        key = override.partition("=")[0]
        node, path = cfg, []
        for part in key.split("."):
            if not OmegaConf.is_dict(node):
                break  # a value with a sub-key: left to Hydra
            if part not in node.keys():  # `in node` is False for a key whose value is ??? (required)
                if path or part not in _group_names():
                    _unknown_key(".".join([*path, part]), [str(k) for k in node.keys()], path)
                break
            node, path = node._get_node(part), [*path, part]


def _unknown_key(key: str, siblings: list[str], path: list[str]) -> None:
    import difflib

    close = difflib.get_close_matches(key.rpartition(".")[2], siblings, n=1)
    prefix = ".".join(path) + "." if path else ""
    hint = f"; did you mean {prefix}{close[0]}?" if close else ""
    where = f"'{'.'.join(path)}'" if path else "the config"
    print(f"error: {key} is not a key of {where}{hint} (add it with +{key}=… if it is new)", file=sys.stderr)
    sys.exit(1)


def _group_names() -> set[str]:
    return {p.name for p in CONFIG_DIR.iterdir() if p.is_dir()}


def check_settings(node, allowed, where: str) -> None:
    """UserError for a key of ``node`` (a config block) that ``allowed`` does not know, naming the nearest.

    Command-line typos are caught by ``check_overrides``; this catches those in experiment and
    group files, which Hydra merges without complaint, before the settings are used.
    """
    import difflib

    from hadath.errors import UserError

    allowed = set(allowed)
    for key in node:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), sorted(allowed), n=1)
            hint = f"; did you mean {where}.{close[0]}?" if close else ""
            raise UserError(f"{where}.{key} is not a setting {where} knows{hint}")


def training_argument_names() -> set[str]:
    """The keys a ``trainer`` block may hold: ``transformers.TrainingArguments``' fields and ``_target_``."""
    import dataclasses

    from transformers import TrainingArguments

    return {f.name for f in dataclasses.fields(TrainingArguments)} | {"_target_"}


def compose(config_name: str, overrides: list[str] | None = None):
    """A config composed as the commands compose it (``train``, ``evaluate``, ``predict``, ``pretrain``),
    without running anything: for notebooks, scripts and tests."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        return hydra_compose(config_name=config_name, overrides=list(overrides or []))
