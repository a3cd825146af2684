"""Driving a StreamingSession the way the live engine does, on a clock the test moves."""


class FakeClock:
    """The stream's notion of now, so a test can pretend real time passes."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def feed_in_steps(session, clock, decoder, pcm, step_seconds=1.0):
    """Real-time feeding with a decode after every step; returns the largest buffer seen."""
    step = int(step_seconds * 16000) * 2
    largest = 0
    for offset in range(0, len(pcm), step):
        clock.now += step_seconds
        session.receive(pcm[offset : offset + step])
        request = session.prepare_window()
        if request is not None:
            largest = max(largest, len(request.audio) / 16000)
            session.apply_hypothesis(decoder.decode([request])[0])
    return largest


def finish(session, decoder):
    session.request_stop()
    while not session.is_finished():
        request = session.prepare_window()
        if request is not None:
            session.apply_hypothesis(decoder.decode([request])[0])
