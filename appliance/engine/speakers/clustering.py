"""Grouping voice embeddings into speakers: spectral clustering of the cosine-similarity graph.

Each window keeps only its closest neighbours in the graph (the rest of its row is cut to 0),
so the graph falls apart into one well-connected piece per voice; the number of pieces shows
as the largest gap between the smallest eigenvalues of the graph's Laplacian, and k-means on
the matching eigenvectors gives each window its piece. The similarity of two voices is never
compared to a fixed threshold: synthetic voices that all sound alike to the model and real
voices that do not are told apart by the same rule (the approach of the 3D-Speaker and
SpeechBrain recipes, written here with numpy alone).

Long recordings are clustered on an evenly spread sample of MAX_GRAPH_WINDOWS windows; every
other window then joins the speaker whose mean voice it is closest to.
"""
import numpy as np

MAX_SPEAKERS = 10
MAX_GRAPH_WINDOWS = 1500
# Share of a row's neighbours kept, at least MIN_NEIGHBOURS of them.
KEPT_SHARE = 0.02
MIN_NEIGHBOURS = 6
# Fewer windows than this say too little to split into speakers.
MIN_WINDOWS = 10
# A cluster of fewer windows is noise (a cough, overlapping voices): its windows join the
# closest larger cluster.
MIN_CLUSTER_WINDOWS = 4


def normalise(vectors):
    vectors = np.asarray(vectors, dtype=np.float64)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def cluster(embeddings, exact=None, minimum=1, maximum=None):
    """Labels 0..k-1 (numbered by first appearance) for each row of `embeddings`."""
    vectors = normalise(embeddings)
    count = len(vectors)
    if count == 0:
        return np.zeros(0, dtype=int)
    if count < MIN_WINDOWS or exact == 1 or (maximum or MAX_SPEAKERS) == 1:
        return np.zeros(count, dtype=int)
    sample = np.linspace(0, count - 1, MAX_GRAPH_WINDOWS).round().astype(int) if count > MAX_GRAPH_WINDOWS else np.arange(count)
    sample = np.unique(sample)
    labels = _spectral(vectors[sample], exact, max(1, minimum), min(maximum or MAX_SPEAKERS, len(sample) - 1))
    if exact is None:
        labels = _absorb_minor(vectors[sample], labels, max(1, minimum))
    if len(sample) < count:
        labels = _nearest_centroid(vectors, vectors[sample], labels)
    return _renumber(labels)


def _spectral(vectors, exact, minimum, maximum):
    similarity = vectors @ vectors.T
    count = len(vectors)
    cut = min(int((1 - KEPT_SHARE) * count), count - MIN_NEIGHBOURS)
    if cut > 0:
        lowest = np.argpartition(similarity, cut - 1, axis=1)[:, :cut]
        np.put_along_axis(similarity, lowest, 0.0, axis=1)
    affinity = 0.5 * (similarity + similarity.T)
    np.fill_diagonal(affinity, 0.0)
    laplacian = np.diag(np.abs(affinity).sum(axis=1)) - affinity
    eigenvalues, eigenvectors = np.linalg.eigh(laplacian)
    if exact:
        speakers = min(exact, count)
    else:
        candidates = eigenvalues[minimum - 1: maximum + 1]
        speakers = int(np.argmax(np.diff(candidates))) + minimum if len(candidates) > 1 else minimum
    return _kmeans(eigenvectors[:, :speakers], speakers)


def _kmeans(points, k, iterations=100, restarts=4):
    """Lloyd's k-means with k-means++ seeding, a fixed random seed and the best of `restarts`."""
    if k <= 1:
        return np.zeros(len(points), dtype=int)
    generator = np.random.default_rng(0)
    best_labels, best_cost = None, np.inf
    for _ in range(restarts):
        centres = _seed(points, k, generator)
        for _ in range(iterations):
            distances = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
            labels = distances.argmin(axis=1)
            moved = np.array([points[labels == index].mean(axis=0) if (labels == index).any() else centres[index]
                              for index in range(k)])
            if np.allclose(moved, centres):
                break
            centres = moved
        cost = distances[np.arange(len(points)), labels].sum()
        if cost < best_cost:
            best_labels, best_cost = labels, cost
    return best_labels


def _seed(points, k, generator):
    centres = [points[generator.integers(len(points))]]
    for _ in range(1, k):
        distances = np.min([((points - centre) ** 2).sum(axis=1) for centre in centres], axis=0)
        total = distances.sum()
        index = generator.choice(len(points), p=distances / total) if total > 0 else generator.integers(len(points))
        centres.append(points[index])
    return np.array(centres)


def _absorb_minor(vectors, labels, minimum):
    sizes = np.bincount(labels)
    major = np.flatnonzero(sizes >= MIN_CLUSTER_WINDOWS)
    if len(major) == len(sizes) or len(major) < minimum:
        return labels  # nothing minor, or the caller asked for at least that many speakers
    centres = normalise(np.array([vectors[labels == label].mean(axis=0) for label in major]))
    minor = ~np.isin(labels, major)
    labels = labels.copy()
    labels[minor] = major[np.argmax(vectors[minor] @ centres.T, axis=1)]
    return labels


def _nearest_centroid(vectors, sampled, labels):
    present = np.unique(labels)
    centres = normalise(np.array([sampled[labels == label].mean(axis=0) for label in present]))
    return present[np.argmax(vectors @ centres.T, axis=1)]


def _renumber(labels):
    order = {}
    for label in labels:
        order.setdefault(int(label), len(order))
    return np.array([order[int(label)] for label in labels], dtype=int)
