"""A driving policy learned here in highway-env's `highway-fast-v0` (3 lanes, 20 cars driven by IDM/MOBIL, 30 s
episodes, one decision a second, 5 actions, the 5 x 5 kinematics of the nearest cars as observation).

stable-baselines3's DQN trains on a reward that punishes a crash hard (collision -2, not normalised, gamma 0.95):
with the simulator's default reward and gamma 0.8 it learns speed over safety. DQN is unstable between checkpoints
(2 % collisions at 10k steps, 88 % at 20k in the research runs), so the checkpoint is chosen on validation seeds
(500-519), never the last one; every policy is then scored on the same held-out seeds (1000-1049) beside a
hand-written rule driver, always-idle and random. Training is not bit-reproducible, so it runs once and is cached."""
from __future__ import annotations

import io
import os
import time
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import InputError
from ..core.evaluation import Evaluation
from ..core.i18n import N_, _
from ..core.loader import LOADER, Progress, adapter
from ..core.registry import Demo, ModelSpec, Param, register
from ..core.trained import built_note
from ..core.responsible import Card

ENV_ID = "highway-fast-v0"
ACTIONS = ("LANE_LEFT", "IDLE", "LANE_RIGHT", "FASTER", "SLOWER")
ACTION_NAMES = {"LANE_LEFT": N_("left lane"), "IDLE": N_("keep"), "LANE_RIGHT": N_("right lane"),
                "FASTER": N_("faster"), "SLOWER": N_("slower")}
POLICIES = {"learned": N_("learned driver (DQN, trained here)"), "rule": N_("rule driver (hand-written)"),
            "idle": N_("always keep lane and speed"), "random": N_("random actions"),
            "last": N_("DQN's last checkpoint (not chosen)")}
STEPS, CHECKPOINTS = 10_000, (4_000, 6_000, 8_000, 10_000)
VALIDATION, TEST = range(500, 520), range(1000, 1050)
# GALLERY_DRIVING_QUICK=1 (the test suite): a small DQN scored on few seeds, so the page and the API can be tested
# in two minutes; its numbers mean nothing. The full model is built by `python -m domains train driving.policy`.
QUICK = dict(steps=1_500, checkpoints=(1_000, 1_500), validation=range(500, 503), test=range(1000, 1008))
DENSITY = (0.5, 2.0)          # traffic density a user may pick; the policy was trained at 1.0
DQN_SETTINGS = dict(learning_rate=5e-4, buffer_size=15_000, learning_starts=200, batch_size=32, gamma=0.95,
                    train_freq=1, gradient_steps=1, target_update_interval=50, exploration_fraction=0.7)


def make_env(render: bool = False, **config):
    """The simulator (off-screen renderer when `render`); `config` overrides highway-env's settings."""
    import gymnasium as gym
    import highway_env  # noqa: F401  (registers highway-*-v0)
    # off-screen surfaces need no display; never SDL_VIDEODRIVER=dummy, which turns highway-env's drawing off
    return gym.make(ENV_ID, render_mode="rgb_array" if render else None,
                    config={"offscreen_rendering": True, **config})


def rule_action(env) -> int:
    """The hand-written driver: keep a 2 s gap; when the car ahead is closer, change to a free lane (1.2 times the
    gap ahead, 12 m behind), else slow down; speed up when the road ahead is clear."""
    u = env.unwrapped
    ego, road = u.vehicle, u.road

    def gaps(lane):
        front, rear = road.neighbour_vehicles(ego, lane)
        ahead = front.position[0] - ego.position[0] if front is not None else 1e9
        behind = ego.position[0] - rear.position[0] if rear is not None else 1e9
        return ahead, behind

    safe = max(2.0 * ego.speed, 15.0)
    ahead, _behind = gaps(ego.lane_index)
    if ahead < safe:
        for action, side in (("LANE_LEFT", -1), ("LANE_RIGHT", 1)):
            lane = (ego.lane_index[0], ego.lane_index[1], ego.lane_index[2] + side)
            if 0 <= lane[2] < len(road.network.graph[lane[0]][lane[1]]):
                a2, b2 = gaps(lane)
                if a2 > safe * 1.2 and b2 > 12:
                    return ACTIONS.index(action)
        return ACTIONS.index("SLOWER")
    if ahead > 2 * safe and ego.speed < 29:
        return ACTIONS.index("FASTER")
    return ACTIONS.index("IDLE")


def _q_net(hidden: int = 256):
    """SB3's DQN MlpPolicy network (flattened 5 x 5 observation, two layers of 256, one Q-value per action), as a
    plain torch module so the page needs no stable-baselines3 to drive."""
    from torch import nn
    return nn.Sequential(nn.Flatten(), nn.Sequential(nn.Linear(25, hidden), nn.ReLU(), nn.Linear(hidden, hidden),
                                                     nn.ReLU(), nn.Linear(hidden, len(ACTIONS))))


def greedy(net):
    import torch

    def act(env, obs) -> int:
        with torch.inference_mode():
            return int(net(torch.as_tensor(obs, dtype=torch.float32)[None]).argmax(1)[0])
    return act


def baselines(seed: int = 0) -> dict[str, Any]:
    import numpy as np
    rng = np.random.default_rng(seed)
    return {"rule": lambda env, obs: rule_action(env), "idle": lambda env, obs: ACTIONS.index("IDLE"),
            "random": lambda env, obs: int(rng.integers(len(ACTIONS)))}


def episode(policy, seed: int, env=None, render: bool = False) -> dict[str, Any]:
    """One episode on `seed`: per-step actions and speeds, crashed, distance (m), return; frames when rendering."""
    env = env or make_env(render)
    obs, info = env.reset(seed=seed)
    x0 = float(env.unwrapped.vehicle.position[0])
    frames = [env.render().copy()] if render else []
    actions, speeds, total, done = [], [], 0.0, False
    while not done:
        a = int(policy(env, obs))
        obs, r, term, trunc, info = env.step(a)
        total += float(r)
        actions.append(ACTIONS[a])
        speeds.append(round(float(info["speed"]), 2))
        done = term or trunc
        if render:
            frames.append(env.render().copy())
    return {"actions": actions, "speeds": speeds, "crashed": bool(info["crashed"]), "return": round(total, 3),
            "distance_m": round(float(env.unwrapped.vehicle.position[0]) - x0, 1), "frames": frames}


def score(policy, seeds, env=None, progress: Progress | None = None, what: str = "") -> dict[str, float]:
    """Collision rate, mean speed (m/s over every step), mean distance and mean return over `seeds`."""
    import numpy as np
    env = env or make_env()
    runs = []
    for i, s in enumerate(seeds):
        runs.append(episode(policy, s, env))
        if progress and i % 10 == 9:
            progress(None, _("Scoring {what}: {i} of {n} episodes").format(what=what, i=i + 1, n=len(seeds)))
    return {"collision_rate": round(float(np.mean([r["crashed"] for r in runs])), 3),
            "mean_speed": round(float(np.mean([v for r in runs for v in r["speeds"]])), 2),
            "mean_distance_m": round(float(np.mean([r["distance_m"] for r in runs])), 1),
            "mean_return": round(float(np.mean([r["return"] for r in runs])), 3)}


def budget() -> dict[str, Any]:
    if os.environ.get("GALLERY_DRIVING_QUICK") == "1":
        return QUICK
    return dict(steps=STEPS, checkpoints=CHECKPOINTS, validation=VALIDATION, test=TEST)


def train(progress: Progress | None = None) -> tuple[dict, dict]:
    """DQN for STEPS steps with checkpoints; the one with the best validation return is kept (with the last one,
    for the story), then every policy is scored on the test seeds. Returns (tensors, meta) for core.trained."""
    from stable_baselines3 import DQN
    from stable_baselines3.common.callbacks import BaseCallback
    from ..core.threads import single_thread
    t0 = time.perf_counter()
    b = budget()
    steps, checkpoints = b["steps"], b["checkpoints"]
    saved: dict[int, dict] = {}

    class Checkpoints(BaseCallback):
        def _on_step(self) -> bool:
            n = self.num_timesteps
            if n in checkpoints:
                saved[n] = {k: v.detach().clone() for k, v in self.model.q_net.q_net.state_dict().items()}
            if progress and n % 500 == 0:
                progress(n / steps * 0.6, _("Training the DQN driver: step {n:,} of {total:,}").format(
                    n=n, total=steps))
            return True

    with single_thread():
        env = make_env(collision_reward=-2, normalize_reward=False)  # the training reward; scoring uses the default
        env.reset(seed=0)
        model = DQN("MlpPolicy", env, policy_kwargs=dict(net_arch=[256, 256]), seed=0, verbose=0, device="cpu",
                    **DQN_SETTINGS)
        model.learn(total_timesteps=steps, callback=Checkpoints())
        train_s = time.perf_counter() - t0
        nets = {}
        for n, sd in saved.items():
            net = _q_net()
            net[1].load_state_dict(sd)
            nets[n] = net.eval()
        score_env = make_env()
        validation = {}
        for i, n in enumerate(checkpoints):
            if progress:
                progress(0.6 + 0.15 * i / len(checkpoints),
                         _("Choosing the checkpoint on validation seeds: {n:,} steps").format(n=n))
            validation[n] = score(greedy(nets[n]), b["validation"], score_env)
        chosen = max(checkpoints, key=lambda n: (validation[n]["mean_return"], -n))
        last = checkpoints[-1]
        policies = {"learned": greedy(nets[chosen]), **baselines(), "last": greedy(nets[last])}
        test = {}
        for i, (k, pol) in enumerate(policies.items()):
            if progress:
                progress(0.75 + 0.25 * i / len(policies), _("Scoring on the test seeds: {what}").format(what=_(POLICIES[k])))
            test[k] = score(pol, b["test"], score_env)
    tensors = {f"chosen.{k}": v for k, v in nets[chosen][1].state_dict().items()}
    tensors.update({f"last.{k}": v for k, v in nets[last][1].state_dict().items()})
    meta = {"chosen_steps": chosen, "last_steps": last, "validation": {str(k): v for k, v in validation.items()},
            "test": test, "train_seconds": round(time.perf_counter() - t0, 1), "dqn_seconds": round(train_s, 1)}
    return tensors, meta


class Drivers:
    def __init__(self, learned, last, meta):
        self.learned, self.last, self.meta = learned, last, meta


@adapter("highway_dqn", imports=("torch", "gymnasium", "highway_env", "stable_baselines3"))
def _load(spec: ModelSpec, path: str | None, progress: Progress | None):
    from ..core import trained
    b = budget()
    key = {"steps": b["steps"], "checkpoints": list(b["checkpoints"]), "dqn": DQN_SETTINGS,
           "validation": [b["validation"].start, b["validation"].stop], "test": [b["test"].start, b["test"].stop]}
    tensors, meta, built = trained.cached_model("highway-dqn", key, train, progress)
    nets = []
    for which in ("chosen", "last"):
        net = _q_net()
        net[1].load_state_dict({k.split(".", 1)[1]: v for k, v in tensors.items() if k.startswith(which + ".")})
        nets.append(net.eval())
    seeds = {"steps": b["steps"], "validation_seeds": key["validation"], "test_seeds": key["test"]}  # in the cache key
    return Drivers(nets[0], nets[1], {**meta, **seeds, "built_now": built})


DQN_SPEC = ModelSpec(
    id="highway-dqn", name=N_("DQN driver (trained here)"), source="trained", adapter="highway_dqn",
    license=N_("MIT (this project's code); simulator: highway-env (MIT)"), size_mb=0.3, ram_mb=60,
    offline=True, ref="highway-env highway-fast-v0", homepage="https://github.com/Farama-Foundation/HighwayEnv",
    description=N_("A deep Q-network (two layers of 256) trained by this project with stable-baselines3 for "
                   "{steps:,} decisions in highway-env, a crash costing -2; of the checkpoints at {ckpts} steps, the "
                   "one with the best return on validation seeds 500-519 drives, and every policy is scored on test "
                   "seeds 1000-1049."),
    text_args={"steps": STEPS, "ckpts": ", ".join(f"{c:,}" for c in CHECKPOINTS)},
    needs={"build": "long"},  # see ModelSpec.needs
)


@dataclass
class PolicyResult:
    seed: int
    density: float
    episodes: dict[str, dict]            # learned, rule: actions, speeds, crashed, distance_m, return, steps
    test: dict[str, dict[str, float]]    # every policy on the 50 test seeds: collision_rate, mean_speed, ...
    validation: dict[str, dict]          # checkpoint steps -> validation scores
    chosen_steps: int
    test_seeds: list[int]                # first, last + 1
    evaluation: Evaluation
    animation: bytes = field(default=b"", metadata={"json": False})   # GIF: learned above, rule below
    model: str = ""
    latency_ms: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def evaluation(meta: dict[str, Any]) -> Evaluation:
    t, v, s = meta["test"], meta["validation_seeds"], meta["test_seeds"]
    return Evaluation.judge(
        data=_("highway-env highway-fast-v0: 3 lanes, 20 cars, 30 s episodes"),
        split=_("checkpoint chosen on validation seeds {v0}-{v1}; scored on test seeds {t0}-{t1} ({n} episodes)").format(
            v0=v[0], v1=v[1] - 1, t0=s[0], t1=s[1] - 1, n=s[1] - s[0]),
        metric=N_("mean return per episode"), higher_is_better=True, model=t["learned"]["mean_return"],
        baselines={POLICIES[k]: t[k]["mean_return"] for k in ("rule", "idle", "random")}, tolerance=1.0, digits=2,
        notes=[_("Collisions on the test seeds: learned {l:.0%}, rule driver {r:.0%}, always-keep {i:.0%}, random "
                 "{x:.0%}.").format(l=t["learned"]["collision_rate"], r=t["rule"]["collision_rate"],
                                    i=t["idle"]["collision_rate"], x=t["random"]["collision_rate"]),
               _("Training is not bit-reproducible: a second run with the same seed can differ by several points of "
                 "collision rate, so the model is trained once, cached, and these are its numbers.")])


def _gif(top: list, bottom: list) -> bytes:
    """Both drives in one animation, in step: the learned car above, the rule driver below (a crashed run holds
    its last frame)."""
    import numpy as np
    from PIL import Image
    n = max(len(top), len(bottom))
    top, bottom = top + top[-1:] * (n - len(top)), bottom + bottom[-1:] * (n - len(bottom))
    gap = np.full((6, top[0].shape[1], 3), 255, np.uint8)
    frames = [Image.fromarray(np.vstack([a, gap, b])) for a, b in zip(top, bottom)]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:], duration=350, loop=0)
    return buf.getvalue()


def policy(_input: Any = None, *, model: str | None = None, seed: int = 1000, density: float = 1.0,
           animate: bool = True, progress: Progress | None = None) -> PolicyResult:
    """The learned driver and the rule driver on one simulator seed and traffic density, side by side."""
    spec = POLICY.model(model)
    if not 0 <= int(seed) <= 99_999:
        raise InputError(_("seed must be a whole number from 0 to 99,999, got {seed}.").format(seed=seed))
    if not DENSITY[0] <= float(density) <= DENSITY[1]:
        raise InputError(_("Traffic density must be between {lo} and {hi} (1 is the simulator's default), got "
                           "{v}.").format(lo=DENSITY[0], hi=DENSITY[1], v=density))
    warnings = []
    if float(density) != 1.0:
        warnings.append(_("The driver was trained at traffic density 1; at {d} it drives in traffic it has not "
                          "seen.").format(d=density))

    def drive(m: Drivers):
        from ..core.threads import single_thread
        with single_thread():
            env = make_env(animate, vehicles_density=float(density))
            runs = {"learned": episode(greedy(m.learned), int(seed), env, animate),
                    "rule": episode(baselines()["rule"], int(seed), env, animate)}
            env.close()
        return runs, m

    (runs, m), ms = LOADER.call(spec, drive, progress, step=N_("Driving with {name}"))
    test, val = range(*m.meta["test_seeds"]), range(*m.meta["validation_seeds"])
    if seed in test or seed in val:
        warnings.insert(0, _("Seed {seed} is one of the {kind} seeds the scores below were measured on.").format(
            seed=seed, kind=_("test") if seed in test else _("validation")))
    gif = _gif(runs["learned"]["frames"], runs["rule"]["frames"]) if animate else b""
    for r in runs.values():
        r.pop("frames")
        r["steps"] = len(r["actions"])
    return PolicyResult(int(seed), float(density), runs, m.meta["test"], m.meta["validation"], m.meta["chosen_steps"],
                        m.meta["test_seeds"], evaluation(m.meta), gif, spec.id, ms, warnings, built_note(m.meta))


POLICY = register(Demo(
    id="driving.policy", domain="driving", task="reinforcement-learning", title=N_("A driver learned in a simulator"),
    summary=N_("A deep Q-network trained here in a highway simulator drives beside a hand-written driver on the same "
               "traffic: it ties the rule driver, and the page says so."),
    input_kind="none", fn=policy, models=(DQN_SPEC,),
    params=(Param("seed", int, 1000, N_("simulator seed: the traffic the cars meet (0-99,999)")),
            Param("density", float, 1.0, N_("traffic density, 0.5-2 (trained at 1)")),
            Param("animate", bool, True, N_("draw the two drives as an animation"))),
    worker=True,  # seconds of CPU per call: a worker process runs it in the app
    example=lambda: (None, {"seed": 1003, "animate": False}),
    responsible=Card(
        N_("Its own practice in highway-env, a simple 2-D motorway simulator."),
        N_("Anything real: no pedestrians, weather, junctions or sensors; it still collides in some test runs."),
        N_("Controlling any real vehicle."), "work"),
    label=N_(":material/directions_car: A driver learned in a simulator"), shows="Above: the learned driver",
))
