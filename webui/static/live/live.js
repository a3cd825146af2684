// The live page: microphone → AudioWorklet (mono 16 kHz PCM16) → ws/live/ → partial (grey) and
// committed (black) text. A dropped connection is retried; audio captured meanwhile is held
// (up to MAX_HELD_SECONDS) and sent once the session is resumed, and committed text stays.
(function () {
  "use strict";
  const root = document.getElementById("live");
  if (!root) {
    return;
  }
  const SAMPLE_RATE = 16000;
  const FRAME_MILLISECONDS = 200;
  const MAX_HELD_SECONDS = 30;
  const FATAL_ERRORS = ["busy", "bad_options", "engine_unavailable", "unauthenticated"];
  const element = (id) => document.getElementById(id);
  const ui = {
    microphone: element("live-microphone"),
    model: element("live-model"),
    language: element("live-language"),
    task: element("live-task"),
    start: element("live-start"),
    stop: element("live-stop"),
    level: element("live-level"),
    elapsed: element("live-elapsed"),
    connection: element("live-connection"),
    lag: element("live-lag"),
    message: element("live-message"),
    transcript: element("live-transcript"),
    committed: element("live-committed"),
    partial: element("live-partial"),
    copy: element("live-copy"),
    saved: element("live-saved"),
  };
  const state = {
    socket: null,
    ready: false, // the current socket has a session (frames sent before ready would be refused)
    sessionId: null,
    recording: false,
    stopping: false,
    held: [],
    heldSamples: 0,
    retryDelay: 1000,
    startedAt: 0,
    clock: null,
    context: null,
    stream: null,
    line: null,
    lastEnd: null,
  };

  function setConnection(name, text) {
    ui.connection.dataset.state = name;
    ui.connection.textContent = text;
  }

  function say(text, isError) {
    ui.message.textContent = text;
    ui.message.classList.toggle("error", Boolean(isError));
  }

  function clockText(seconds) {
    const whole = Math.max(0, Math.floor(seconds));
    const minutes = Math.floor(whole / 60);
    return String(minutes).padStart(2, "0") + ":" + String(whole % 60).padStart(2, "0");
  }

  async function listMicrophones() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) {
      return;
    }
    const chosen = ui.microphone.value;
    const devices = await navigator.mediaDevices.enumerateDevices();
    ui.microphone.replaceChildren(new Option("Default microphone", ""));
    devices
      .filter((device) => device.kind === "audioinput" && device.deviceId && device.deviceId !== "default")
      .forEach((device, index) => {
        ui.microphone.add(new Option(device.label || "Microphone " + (index + 1), device.deviceId));
      });
    ui.microphone.value = chosen;
  }

  function syncLanguageChoices() {
    const option = ui.model.selectedOptions[0];
    const multilingual = option ? option.dataset.multilingual !== "false" : true;
    ui.language.disabled = !multilingual;
    ui.task.disabled = !multilingual;
    if (!multilingual) {
      ui.language.value = "auto";
      ui.task.value = "transcribe";
    }
  }

  // Capture ----------------------------------------------------------------------------------

  async function startCapture() {
    const deviceId = ui.microphone.value;
    state.stream = await navigator.mediaDevices.getUserMedia({
      audio: {
        deviceId: deviceId ? { exact: deviceId } : undefined,
        channelCount: 1,
        echoCancellation: true,
        noiseSuppression: true,
        autoGainControl: true,
      },
    });
    state.context = new AudioContext();
    await state.context.audioWorklet.addModule(root.dataset.workletUrl);
    const source = state.context.createMediaStreamSource(state.stream);
    const capture = new AudioWorkletNode(state.context, "pcm-capture", {
      processorOptions: { targetRate: SAMPLE_RATE, frameMilliseconds: FRAME_MILLISECONDS },
    });
    capture.port.onmessage = (event) => onCaptured(event.data);
    // A worklet only runs when the graph pulls it: route it to the speakers through silence.
    const silence = state.context.createGain();
    silence.gain.value = 0;
    source.connect(capture).connect(silence).connect(state.context.destination);
    listMicrophones();
  }

  function stopCapture() {
    if (state.stream) {
      state.stream.getTracks().forEach((track) => track.stop());
      state.stream = null;
    }
    if (state.context) {
      state.context.close();
      state.context = null;
    }
    ui.level.value = 0;
  }

  function onCaptured(message) {
    if (message.type === "level") {
      ui.level.value = message.value;
    } else if (message.type === "pcm" && state.recording) {
      sendOrHold(message.buffer);
    }
  }

  function sendOrHold(buffer) {
    const socket = state.socket;
    if (socket && socket.readyState === WebSocket.OPEN && state.ready) {
      socket.send(buffer);
      return;
    }
    state.held.push(buffer);
    state.heldSamples += buffer.byteLength / 2;
    while (state.heldSamples > MAX_HELD_SECONDS * SAMPLE_RATE) {
      state.heldSamples -= state.held.shift().byteLength / 2;
    }
  }

  function sendHeld() {
    const held = state.held;
    state.held = [];
    state.heldSamples = 0;
    held.forEach((buffer) => state.socket.send(buffer));
  }

  // Connection -------------------------------------------------------------------------------

  function socketUrl() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + location.host + root.dataset.socketPath;
  }

  function connect() {
    setConnection("connecting", state.sessionId ? "reconnecting…" : "connecting…");
    const socket = new WebSocket(socketUrl());
    socket.binaryType = "arraybuffer";
    state.socket = socket;
    state.ready = false;
    socket.onopen = () => sendStart(socket, state.sessionId);
    socket.onmessage = (event) => {
      if (typeof event.data === "string") {
        handle(JSON.parse(event.data));
      }
    };
    socket.onclose = (event) => onClosed(socket, event);
  }

  function sendStart(socket, resume) {
    const message = { type: "start", model: ui.model.value, language: ui.language.value, task: ui.task.value };
    if (resume) {
      message.resume = resume;
    }
    socket.send(JSON.stringify(message));
  }

  function onClosed(socket, event) {
    if (socket !== state.socket) {
      return;
    }
    state.socket = null;
    state.ready = false;
    if (event.code === 4401) {
      finish("Your login has expired: log in again, then press Start.", true);
      return;
    }
    if (state.recording || state.stopping) {
      setConnection("reconnecting", "connection lost, retrying…");
      setTimeout(connect, state.retryDelay);
      state.retryDelay = Math.min(state.retryDelay * 2, 10000);
    } else {
      setConnection("idle", "not connected");
    }
  }

  function handle(message) {
    switch (message.type) {
      case "ready":
        state.sessionId = message.session;
        state.ready = true;
        state.retryDelay = 1000;
        setConnection("connected", message.resumed ? "connected (resumed)" : "connected");
        sendHeld();
        if (state.stopping) {
          state.socket.send(JSON.stringify({ type: "stop" }));
        } else {
          say("Listening… speak now.");
        }
        break;
      case "partial": {
        const following = followingEnd();
        ui.partial.textContent = message.text ? " " + message.text : "";
        scrollIfFollowing(following);
        break;
      }
      case "final":
        appendCommitted(message);
        break;
      case "stats":
        ui.lag.textContent = "lag " + message.lag.toFixed(1) + " s";
        break;
      case "error":
        onError(message);
        break;
      case "saved":
        onSaved(message);
        break;
    }
  }

  function onError(message) {
    if (message.code === "unknown_session") {
      // The old session ended while we were away (and was saved); go on in a new one.
      state.sessionId = null;
      state.ready = false;
      if (state.recording && state.socket) {
        sendStart(state.socket, null);
      } else {
        finish("The session had already ended and was saved.", false);
      }
      return;
    }
    if (FATAL_ERRORS.includes(message.code)) {
      finish(message.message, true);
      return;
    }
    say(message.message, true);
  }

  function onSaved(message) {
    state.sessionId = null;
    state.ready = false;
    if (message.id) {
      ui.saved.href = root.dataset.jobUrl.replace("00000000-0000-0000-0000-000000000000", message.id);
      ui.saved.hidden = false;
    }
    if (state.stopping) {
      finish(message.id ? "Saved to your jobs." : "Nothing was said, so nothing was saved.", false);
    } else if (state.recording && state.socket) {
      // Saved without our stop (too fast, idle, engine restart): keep going in a new session.
      sendStart(state.socket, null);
    }
  }

  // Transcript -------------------------------------------------------------------------------

  function followingEnd() {
    const box = ui.transcript;
    return box.scrollTop + box.clientHeight >= box.scrollHeight - 40;
  }

  function scrollIfFollowing(wasFollowing) {
    if (wasFollowing) {
      ui.transcript.scrollTop = ui.transcript.scrollHeight;
    }
  }

  function appendCommitted(message) {
    const following = followingEnd();
    const startsLine =
      !state.line ||
      /[.?!…]["')\]]*$/.test(state.line.lastChild.textContent) ||
      (state.lastEnd !== null && message.start - state.lastEnd > 2);
    if (startsLine) {
      state.line = document.createElement("p");
      state.line.className = "live-line";
      const time = document.createElement("time");
      time.textContent = clockText(message.start);
      state.line.append(time);
      ui.committed.append(state.line);
    }
    const words = document.createElement("span");
    words.textContent = (startsLine ? "" : " ") + message.text;
    words.title = clockText(message.start) + "–" + clockText(message.end);
    state.line.append(words);
    state.lastEnd = message.end;
    scrollIfFollowing(following);
  }

  function transcriptText() {
    return Array.from(ui.committed.querySelectorAll(".live-line"))
      .map((line) => "[" + line.firstChild.textContent + "] " + Array.from(line.querySelectorAll("span")).map((s) => s.textContent).join(""))
      .join("\n");
  }

  async function copyTranscript() {
    const text = transcriptText();
    try {
      await navigator.clipboard.writeText(text);
    } catch (error) {
      const scratch = document.createElement("textarea");
      scratch.value = text;
      document.body.append(scratch);
      scratch.select();
      document.execCommand("copy");
      scratch.remove();
    }
    say("Copied the committed text.");
  }

  // Start and stop ---------------------------------------------------------------------------

  async function start() {
    ui.start.disabled = true;
    ui.saved.hidden = true;
    ui.committed.replaceChildren();
    ui.partial.textContent = "";
    state.line = null;
    state.lastEnd = null;
    state.sessionId = null;
    state.held = [];
    state.heldSamples = 0;
    try {
      await startCapture();
    } catch (error) {
      stopCapture();
      ui.start.disabled = false;
      say("The microphone could not be opened: " + error.message, true);
      return;
    }
    state.recording = true;
    state.stopping = false;
    ui.stop.disabled = false;
    state.startedAt = performance.now();
    state.clock = setInterval(() => {
      ui.elapsed.textContent = clockText((performance.now() - state.startedAt) / 1000);
    }, 250);
    say("Connecting…");
    connect();
  }

  function stop() {
    state.recording = false;
    state.stopping = true;
    ui.stop.disabled = true;
    stopCapture();
    clearInterval(state.clock);
    say("Finishing the last words…");
    if (state.socket && state.socket.readyState === WebSocket.OPEN && state.ready) {
      sendHeld();
      state.socket.send(JSON.stringify({ type: "stop" }));
    }
  }

  function finish(text, isError) {
    state.recording = false;
    state.stopping = false;
    stopCapture();
    clearInterval(state.clock);
    ui.start.disabled = false;
    ui.stop.disabled = true;
    ui.partial.textContent = "";
    say(text, isError);
    if (state.socket) {
      const socket = state.socket;
      state.socket = null;
      socket.close(1000);
    }
    setConnection(isError ? "error" : "idle", isError ? "stopped" : "not connected");
  }

  ui.start.addEventListener("click", start);
  ui.stop.addEventListener("click", stop);
  ui.copy.addEventListener("click", copyTranscript);
  ui.model.addEventListener("change", syncLanguageChoices);
  syncLanguageChoices();
  listMicrophones();
})();
