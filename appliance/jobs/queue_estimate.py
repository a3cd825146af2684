"""Where a queued job stands: how many jobs are ahead of it and roughly when it will be done.

An estimate, said as one: the speed is the median real-time factor of the last finished jobs
(processing seconds per second of audio), the work ahead is the audio of the queued jobs before
this one plus what the running jobs have left.
"""
from dataclasses import dataclass
from statistics import median

from django.db.models import Q

from appliance.jobs.models import Status, Transcription

RECENT_JOBS = 20
# Before any job finished: tiny.en on two CPU cores does about ten times real time.
FALLBACK_REAL_TIME_FACTOR = 0.1


@dataclass(frozen=True)
class QueueEstimate:
    position: int  # 1: the next job a worker takes
    jobs_ahead: int
    eta_seconds: float

    def to_dict(self):
        return {"position": self.position, "jobs_ahead": self.jobs_ahead, "eta_seconds": round(self.eta_seconds)}


def recent_real_time_factor():
    factors = list(
        Transcription.objects.filter(status=Status.DONE, real_time_factor__gt=0)
        .order_by("-finished_at")
        .values_list("real_time_factor", flat=True)[:RECENT_JOBS]
    )
    return median(factors) if factors else FALLBACK_REAL_TIME_FACTOR


def estimate(job):
    """None unless the job is queued."""
    if job.status != Status.QUEUED:
        return None
    ahead = list(
        Transcription.objects.filter(status=Status.QUEUED)
        .filter(Q(created_at__lt=job.created_at) | Q(created_at=job.created_at, pk__lt=job.pk))
        .values_list("duration_seconds", flat=True)
    )
    running = list(Transcription.objects.filter(status=Status.RUNNING).values_list("duration_seconds", "progress"))
    # Running jobs share the workers; the queued ones ahead run before this one.
    audio_ahead = sum(duration or 0 for duration in ahead)
    audio_ahead += sum((duration or 0) * (1 - (progress or 0)) for duration, progress in running)
    factor = recent_real_time_factor()
    eta = (audio_ahead + (job.duration_seconds or 0)) * factor
    return QueueEstimate(position=len(ahead) + 1, jobs_ahead=len(ahead) + len(running), eta_seconds=eta)
