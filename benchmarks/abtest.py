"""Alternating A/B measurements: A B, B A, A B ... so drift (heat, other load) hits both sides.

Each subject is a callable returning a dict of numbers. Figures are medians over the runs,
plus the ratio within every pair, which is steadier than a ratio of medians on a busy machine.
"""
import statistics


def alternate(subjects, pairs, log=None, advance=None):
    """subjects: {label: callable() -> dict}; exactly two. Returns the list of runs in order.
    advance(what): called after each measured run (2 * pairs steps), e.g. SuiteOptions.advance."""
    labels = list(subjects)
    if len(labels) != 2:
        raise ValueError("an A/B run needs exactly two subjects")
    runs = []
    for pair in range(pairs):
        order = labels if pair % 2 == 0 else labels[::-1]
        for position, label in enumerate(order):
            if log:
                log(f"pair {pair + 1}/{pairs}: {label}")
            figures = subjects[label]()
            runs.append({"pair": pair + 1, "position": position + 1, "label": label, **figures})
            if advance:
                advance(f"measured {label} (pair {pair + 1}/{pairs})")
    return runs


def compare(runs, metric, numerator, denominator):
    """Medians of `metric` per side and numerator/denominator ratios, pair by pair."""
    by_pair = {}
    for run in runs:
        by_pair.setdefault(run["pair"], {})[run["label"]] = run[metric]
    pair_ratios = [
        values[numerator] / values[denominator]
        for _, values in sorted(by_pair.items())
        if values.get(denominator)
    ]
    numerator_median = statistics.median(run[metric] for run in runs if run["label"] == numerator)
    denominator_median = statistics.median(run[metric] for run in runs if run["label"] == denominator)
    return {
        "metric": metric,
        f"{numerator}_median": numerator_median,
        f"{denominator}_median": denominator_median,
        "ratio_of_medians": numerator_median / denominator_median if denominator_median else None,
        "pair_ratios": [round(ratio, 4) for ratio in pair_ratios],
        "median_pair_ratio": statistics.median(pair_ratios) if pair_ratios else None,
    }
