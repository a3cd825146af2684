// AudioWorklet: microphone audio at the device rate → mono 16 kHz 16-bit PCM frames.
// Runs on the audio rendering thread; posts {type: "pcm", buffer} every frameMilliseconds and
// {type: "level", value} (0..1) about ten times a second for the level meter.
class PcmCaptureProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const settings = (options && options.processorOptions) || {};
    this.targetRate = settings.targetRate || 16000;
    this.frameSamples = Math.round((this.targetRate * (settings.frameMilliseconds || 200)) / 1000);
    this.ratio = sampleRate / this.targetRate; // sampleRate: the context's rate (a worklet global)
    // Two one-pole low-pass stages at 7 kHz keep most energy above 8 kHz from folding into
    // the band when decimating (cheap, and speech carries little up there).
    this.alpha = this.ratio > 1 ? 1 - Math.exp((-2 * Math.PI * 7000) / sampleRate) : 1;
    this.lowPass1 = 0;
    this.lowPass2 = 0;
    this.previous = 0; // the last filtered sample of the previous block, for interpolation
    this.position = 1; // where the next output sample lies, in this block's coordinates
    this.frame = new Int16Array(this.frameSamples);
    this.filled = 0;
    this.levelSum = 0;
    this.levelCount = 0;
    this.levelEvery = Math.round(sampleRate / 10);
  }

  process(inputs) {
    const input = inputs[0];
    if (!input || input.length === 0 || input[0].length === 0) {
      return true;
    }
    const length = input[0].length;
    const channels = input.length;
    // mono[0] is the previous block's last sample, so interpolation spans block edges.
    const mono = new Float32Array(length + 1);
    mono[0] = this.previous;
    for (let i = 0; i < length; i++) {
      let sample = 0;
      for (let channel = 0; channel < channels; channel++) {
        sample += input[channel][i];
      }
      sample /= channels;
      this.levelSum += sample * sample;
      this.levelCount += 1;
      this.lowPass1 += this.alpha * (sample - this.lowPass1);
      this.lowPass2 += this.alpha * (this.lowPass1 - this.lowPass2);
      mono[i + 1] = this.lowPass2;
    }
    while (this.position < length) {
      const index = Math.floor(this.position);
      const fraction = this.position - index;
      this.push(mono[index] + (mono[index + 1] - mono[index]) * fraction);
      this.position += this.ratio;
    }
    this.position -= length;
    this.previous = mono[length];
    if (this.levelCount >= this.levelEvery) {
      const rms = Math.sqrt(this.levelSum / this.levelCount);
      const decibels = 20 * Math.log10(rms + 1e-9);
      this.port.postMessage({ type: "level", value: Math.min(1, Math.max(0, (decibels + 60) / 60)) });
      this.levelSum = 0;
      this.levelCount = 0;
    }
    return true;
  }

  push(value) {
    const clamped = Math.max(-1, Math.min(1, value));
    this.frame[this.filled] = clamped < 0 ? clamped * 0x8000 : clamped * 0x7fff;
    this.filled += 1;
    if (this.filled === this.frameSamples) {
      const buffer = this.frame.buffer;
      this.port.postMessage({ type: "pcm", buffer: buffer }, [buffer]);
      this.frame = new Int16Array(this.frameSamples);
      this.filled = 0;
    }
  }
}

registerProcessor("pcm-capture", PcmCaptureProcessor);
