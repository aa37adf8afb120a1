#!/usr/bin/env python3
"""A fake LLM server for the tests: OpenAI Chat Completions and Anthropic
Messages, faithful to their wire formats, scripted, with injected faults.

python3 standard library only.  Listens on 127.0.0.1 on a free port, printed
as the first line of stdout, and exits after --max-requests requests, after
--lifetime seconds, or on SIGTERM / SIGINT, whichever comes first.

usage: llm_server.py [--script FILE] [--log FILE] [--max-requests N]
                     [--lifetime S] [--delay S]

Endpoints (any path prefix is accepted, so a base URL may end in /v1 or not):
  POST .../chat/completions   OpenAI Chat Completions (Authorization: Bearer)
  POST .../v1/messages        Anthropic Messages (x-api-key, anthropic-version)
  GET  .../models             a model list in the OpenAI shape
  ANY  /echo                  the request's method, path, body length, header
                              names and non-secret header values, as JSON
Keys: when FAKE_OPENAI_KEY / FAKE_ANTHROPIC_KEY are set, requests must carry
exactly that key (401 with the provider's error body otherwise); when unset,
or for paths under the script's "open_paths" prefixes, any key or none is
accepted (like a local vLLM or Ollama).  Keys are given by
environment, never on the command line, and never written to the log.

The script (JSON) chooses answers and faults:
  {
    "delay_s": 0.0,                 every answer is delayed this long
    "open_paths": ["/local/"],      path prefixes that need no key
    "replies": [                    the first rule whose "match" strings all
                                    occur in the prompt (system + messages),
                                    and whose "model"/"wire" fit, answers:
      {"match": "plan", "text": "..."},
      {"match": ["a", "b"], "texts": ["v0", "v1"]},   by sample index
      {"match": "implement", "echo_code": true},      first fenced block of
                                                      the prompt, fenced again
      {"match": "x", "text": "...", "delay_s": 1.5}
    ],
    "default": {"text": "OK"},      when no rule matches (default: echo_code
                                    when the prompt has a fenced block, else OK)
    "faults": [                     the first fault that fits and still has
                                    "times" left (absent: forever) is applied
      {"kind": "429", "times": 2, "retry_after": "1", "match": "P1",
       "wire": "openai", "model": "gpt-4o"}
    ]
  }
The sample index is the X-Accc-Sample request header when present, else a
per-rule counter.  In texts, {sample}, {model} and {n} (the request's
sequence number) are replaced, and {key} by the API key the request carried
(a leaky proxy, for tests that the client scrubs its key from answers; the
key is still never logged).

Fault kinds (also per request: header "X-Fake-Fault: KIND; key=value; ..."):
  NNN               that HTTP status with the provider's error body (429
                    carries Retry-After: retry_after=SECONDS, or
                    retry_after=date:SECONDS for an HTTP date, or
                    retry_after_ms=MS; 529 is Anthropic's overloaded_error)
  spend_limit       429 that must not be retried (OpenAI insufficient_quota,
                    Anthropic enforced_spend_limit_reached)
  slow              answer normally after delay=S seconds (default 5)
  reset             headers and half the body, then a TCP reset
  close             close the connection without answering
  truncated         200 with a complete HTTP body holding half the JSON
  invalid_json      200 with an HTML page
  error_200         200 whose JSON is an error object
  huge              200 with a Content-Length of size=BYTES (default 8 MiB)
  huge_chunked      200, chunked, size=BYTES without a Content-Length
  empty_choices     choices: [] (OpenAI) / content: [] (Anthropic)
  missing_content   the message without "content" (OpenAI) / no "content"
                    key (Anthropic)

The log (--log, JSON lines) has one line per request: seq, times, method,
path, wire, model, sample, auth (none/ok/bad, never the value), header
names, fault, status, in-flight count at arrival and the maximum so far,
prompt size and sha256, the first 80 characters of the last message
(user_head), temperature and max tokens.  A last line
{"event": "exit", ...} gives the totals.
"""
import argparse
import email.utils
import hashlib
import json
import os
import random
import re
import signal
import socket
import string
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BODY_CAP = 32 << 20
REASONING = re.compile(r"^(o1|o3|o4|gpt-5)")
SECRET_HEADERS = {"authorization", "x-api-key", "proxy-authorization", "cookie"}


def rand_id(prefix, n=24):
    return prefix + "".join(random.choice(string.ascii_letters + string.digits)
                            for _ in range(n))


def tokens(text):
    return max(1, (len(text) + 3) // 4)


class State:
    def __init__(self, script, log_path, max_requests):
        self.lock = threading.Lock()
        self.script = script
        self.log = open(log_path, "a", encoding="utf-8") if log_path else None
        self.max_requests = max_requests
        self.seq = 0
        self.inflight = 0
        self.max_inflight = 0
        self.counters = {}
        self.fault_left = [f.get("times") for f in script.get("faults", [])]
        self.server = None

    def arrive(self):
        with self.lock:
            self.seq += 1
            self.inflight += 1
            self.max_inflight = max(self.max_inflight, self.inflight)
            return self.seq, self.inflight

    def record(self, entry):
        """A request is answered: log it (once) before its answer goes out,
        so a client that has its answer finds the line in the log, and stop
        counting it in flight (the client may already send the next one)."""
        with self.lock:
            if not entry.get("logged"):
                entry["logged"] = True
                self.inflight -= 1
                entry["max_inflight"] = self.max_inflight
                entry["t1"] = time.time()
                self.write({k: v for k, v in entry.items() if k != "logged"})

    def leave(self, entry):
        self.record(entry)
        with self.lock:
            done = self.max_requests and self.seq >= self.max_requests
        if done:
            stop_soon(self.server)

    def write(self, entry):
        if self.log:
            self.log.write(json.dumps(entry, sort_keys=True) + "\n")
            self.log.flush()

    def counter(self, key):
        with self.lock:
            n = self.counters.get(key, 0)
            self.counters[key] = n + 1
            return n

    def take_fault(self, prompt, wire, model):
        with self.lock:
            for i, f in enumerate(self.script.get("faults", [])):
                if not fits(f, prompt, wire, model):
                    continue
                left = self.fault_left[i]
                if left is not None:
                    if left <= 0:
                        continue
                    self.fault_left[i] = left - 1
                return dict(f)
        return None


def fits(rule, prompt, wire, model):
    match = rule.get("match", [])
    if isinstance(match, str):
        match = [match]
    if any(m not in prompt for m in match):
        return False
    if rule.get("wire") and rule["wire"] != wire:
        return False
    if rule.get("model") and rule["model"] != model:
        return False
    return True


def parse_fault_header(value):
    parts = [p.strip() for p in value.split(";") if p.strip()]
    if not parts:
        return None
    fault = {"kind": parts[0]}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        fault[k.strip()] = v.strip()
    return fault


def first_code_block(text):
    m = re.search(r"```[A-Za-z0-9_+-]*\n(.*?)```", text, re.S)
    return m.group(1) if m else None


def stop_soon(server):
    if server is not None:
        threading.Thread(target=server.shutdown, daemon=True).start()


# ---- wire formats -----------------------------------------------------------

def openai_error(status, message, etype, code=None, param=None):
    return status, {"error": {"message": message, "type": etype, "param": param,
                              "code": code}}


def anthropic_error(status, etype, message):
    return status, {"type": "error", "error": {"type": etype, "message": message},
                    "request_id": rand_id("req_011C")}


ANTHROPIC_STATUS_TYPES = {
    400: "invalid_request_error", 401: "authentication_error",
    402: "billing_error", 403: "permission_error", 404: "not_found_error",
    409: "conflict_error", 413: "request_too_large", 429: "rate_limit_error",
    500: "api_error", 502: "api_error", 503: "api_error", 504: "api_error",
    529: "overloaded_error",
}


def status_error(wire, status):
    if wire == "anthropic":
        etype = ANTHROPIC_STATUS_TYPES.get(status, "api_error")
        msg = {429: "This request would exceed the rate limit for your "
                    "organization of 50 requests per minute.",
               529: "Overloaded"}.get(status, "Internal server error")
        if status < 500 and status != 429:
            msg = "fake error %d" % status
        return anthropic_error(status, etype, msg)
    if status == 429:
        return openai_error(429, "Rate limit reached for requests. Please try "
                            "again in 1s.", "requests", "rate_limit_exceeded")
    if status >= 500:
        return openai_error(status, "The server had an error while processing "
                            "your request. Sorry about that!", "server_error")
    return openai_error(status, "fake error %d" % status, "invalid_request_error")


def mask(key):
    return key[:3] + "*" * max(0, len(key) - 7) + key[-4:] if len(key) > 8 else "***"


def check_openai(headers, req, open_path):
    want = None if open_path else os.environ.get("FAKE_OPENAI_KEY")
    auth = headers.get("Authorization")
    got = auth[7:] if auth and auth.startswith("Bearer ") else None
    state = "none" if auth is None else ("ok" if got and (not want or got == want)
                                         else "bad")
    if want and auth is None:
        return state, openai_error(401, "You didn't provide an API key. You need to "
                                   "provide your API key in an Authorization header "
                                   "using Bearer auth (i.e. Authorization: Bearer "
                                   "YOUR_KEY).", "invalid_request_error")
    if want and got != want:
        return "bad", openai_error(401, "Incorrect API key provided: %s. You can find "
                                   "your API key at https://platform.openai.com/"
                                   "account/api-keys." % mask(got or ""),
                                   "invalid_request_error", "invalid_api_key")
    if not isinstance(req, dict):
        return state, openai_error(400, "We could not parse the JSON body of your "
                                   "request.", "invalid_request_error")
    model = req.get("model")
    if not isinstance(model, str) or not model:
        return state, openai_error(400, "you must provide a model parameter",
                                   "invalid_request_error")
    msgs = req.get("messages")
    if not isinstance(msgs, list) or not msgs:
        return state, openai_error(400, "[] is too short - 'messages'",
                                   "invalid_request_error", param="messages")
    for i, m in enumerate(msgs):
        if (not isinstance(m, dict) or m.get("role") not in
                ("system", "developer", "user", "assistant", "tool")
                or not isinstance(m.get("content"), (str, list))):
            return state, openai_error(400, "Invalid value for 'messages[%d]'." % i,
                                       "invalid_request_error",
                                       param="messages[%d]" % i)
    temp = req.get("temperature")
    if temp is not None and (not isinstance(temp, (int, float)) or not 0 <= temp <= 2):
        return state, openai_error(400, "Invalid 'temperature': decimal above "
                                   "maximum value.", "invalid_request_error",
                                   "decimal_above_max_value", "temperature")
    if "max_tokens" in req and "max_completion_tokens" in req:
        return state, openai_error(400, "max_tokens and max_completion_tokens "
                                   "cannot both be set", "invalid_request_error")
    for field in ("max_tokens", "max_completion_tokens", "n"):
        v = req.get(field)
        if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 1):
            return state, openai_error(400, "Invalid '%s': integer below minimum "
                                       "value." % field, "invalid_request_error",
                                       "integer_below_min_value", field)
    if REASONING.match(model):
        if "max_tokens" in req:
            return state, openai_error(400, "Unsupported parameter: 'max_tokens' is "
                                       "not supported with this model. Use "
                                       "'max_completion_tokens' instead.",
                                       "invalid_request_error",
                                       "unsupported_parameter", "max_tokens")
        if temp is not None and temp != 1:
            return state, openai_error(400, "Unsupported value: 'temperature' does "
                                       "not support %s with this model. Only the "
                                       "default (1) value is supported." % temp,
                                       "invalid_request_error",
                                       "unsupported_value", "temperature")
    return state, None


ANTHROPIC_FIELDS = {"model", "messages", "max_tokens", "system", "metadata",
                    "stop_sequences", "stream", "temperature", "top_p", "top_k",
                    "tools", "tool_choice", "thinking", "service_tier"}


def check_anthropic(headers, req, open_path):
    want = None if open_path else os.environ.get("FAKE_ANTHROPIC_KEY")
    got = headers.get("x-api-key")
    state = "none" if got is None else ("ok" if not want or got == want else "bad")
    if want and got is None:
        return state, anthropic_error(401, "authentication_error",
                                      "x-api-key header is required")
    if want and got != want:
        return state, anthropic_error(401, "authentication_error", "invalid x-api-key")
    if not headers.get("anthropic-version"):
        return state, anthropic_error(400, "invalid_request_error",
                                      "anthropic-version: header is required")
    if not isinstance(req, dict):
        return state, anthropic_error(400, "invalid_request_error",
                                      "There was an issue with the JSON body")
    for field in req:
        if field not in ANTHROPIC_FIELDS:
            return state, anthropic_error(400, "invalid_request_error",
                                          "%s: Extra inputs are not permitted" % field)
    for field in ("model", "max_tokens", "messages"):
        if field not in req:
            return state, anthropic_error(400, "invalid_request_error",
                                          "%s: Field required" % field)
    mt = req["max_tokens"]
    if not isinstance(mt, int) or isinstance(mt, bool) or mt < 1:
        return state, anthropic_error(400, "invalid_request_error",
                                      "max_tokens: Input should be greater than or "
                                      "equal to 1")
    msgs = req["messages"]
    if not isinstance(msgs, list) or not msgs or not isinstance(msgs[0], dict) \
            or msgs[0].get("role") != "user":
        return state, anthropic_error(400, "invalid_request_error",
                                      "messages: first message must use the "
                                      "\"user\" role")
    for i, m in enumerate(msgs):
        if (not isinstance(m, dict) or m.get("role") not in ("user", "assistant")
                or not isinstance(m.get("content"), (str, list))):
            return state, anthropic_error(400, "invalid_request_error",
                                          "messages.%d: invalid message" % i)
    system = req.get("system")
    if system is not None and not isinstance(system, (str, list)):
        return state, anthropic_error(400, "invalid_request_error",
                                      "system: Input should be a valid string")
    temp = req.get("temperature")
    if temp is not None and (not isinstance(temp, (int, float)) or not 0 <= temp <= 1):
        return state, anthropic_error(400, "invalid_request_error",
                                      "temperature: Input should be less than or "
                                      "equal to 1")
    return state, None


def content_text(content):
    if isinstance(content, str):
        return content
    out = []
    for block in content if isinstance(content, list) else []:
        if isinstance(block, dict) and isinstance(block.get("text"), str):
            out.append(block["text"])
    return "\n".join(out)


def prompt_of(req):
    parts = []
    if isinstance(req, dict):
        if req.get("system") is not None:
            parts.append(content_text(req["system"]))
        for m in req.get("messages") or []:
            if isinstance(m, dict):
                parts.append(content_text(m.get("content")))
    return "\n".join(parts)


def openai_body(model, text, prompt, max_tokens, fault_kind):
    finish = "stop"
    if max_tokens and tokens(text) > max_tokens:
        text, finish = text[:max_tokens * 4], "length"
    message = {"role": "assistant", "content": text, "refusal": None,
               "annotations": []}
    if fault_kind == "missing_content":
        del message["content"]
    choices = [{"index": 0, "message": message, "logprobs": None,
                "finish_reason": finish}]
    if fault_kind == "empty_choices":
        choices = []
    pt, ct = tokens(prompt), tokens(text)
    return {"id": rand_id("chatcmpl-"), "object": "chat.completion",
            "created": int(time.time()), "model": model, "choices": choices,
            "usage": {"prompt_tokens": pt, "completion_tokens": ct,
                      "total_tokens": pt + ct,
                      "prompt_tokens_details": {"cached_tokens": 0,
                                                "audio_tokens": 0},
                      "completion_tokens_details": {"reasoning_tokens": 0,
                                                    "audio_tokens": 0,
                                                    "accepted_prediction_tokens": 0,
                                                    "rejected_prediction_tokens": 0}},
            "service_tier": "default", "system_fingerprint": "fp_fake0001"}


def anthropic_body(model, text, prompt, max_tokens, fault_kind):
    stop = "end_turn"
    if tokens(text) > max_tokens:
        text, stop = text[:max_tokens * 4], "max_tokens"
    body = {"id": rand_id("msg_01"), "type": "message", "role": "assistant",
            "model": model, "content": [{"type": "text", "text": text}],
            "stop_reason": stop, "stop_sequence": None,
            "usage": {"input_tokens": tokens(prompt),
                      "cache_creation_input_tokens": 0,
                      "cache_read_input_tokens": 0,
                      "output_tokens": tokens(text), "service_tier": "standard"}}
    if fault_kind == "empty_choices":
        body["content"] = []
    if fault_kind == "missing_content":
        del body["content"]
    return body


# ---- the handler ------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-llm/1.0"
    state = None  # set in main()

    entry = None

    def log_message(self, fmt, *args):
        pass

    def send_response(self, code, message=None):
        if self.entry is not None:
            self.entry.setdefault("status", code)
        super().send_response(code, message)

    def end_headers(self):
        if self.entry is not None:
            self.state.record(self.entry)
        super().end_headers()

    def send_json(self, status, obj, extra=()):
        data = json.dumps(obj).encode()
        self.send_raw(status, data, extra)

    def send_raw(self, status, data, extra=(), ctype="application/json"):
        self.send_response(status, {529: "Overloaded"}.get(status))
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n > BODY_CAP:
            raise ValueError("body too large")
        return self.rfile.read(n) if n > 0 else b""

    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def do_PUT(self):
        self.handle_any()

    def do_DELETE(self):
        self.handle_any()

    def do_HEAD(self):
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def handle_any(self):
        st = self.state
        seq, inflight = st.arrive()
        entry = {"seq": seq, "t0": time.time(), "method": self.command,
                 "path": self.path, "inflight": inflight,
                 "headers": sorted(k.lower() for k in self.headers.keys())}
        self.entry = entry
        try:
            self.route(entry)
        except (OSError, ValueError) as e:
            entry["error"] = type(e).__name__
            self.close_connection = True
        finally:
            st.leave(entry)
            self.entry = None

    def route(self, entry):
        raw = self.read_body()
        path = self.path.split("?")[0]
        entry["body_bytes"] = len(raw)
        if path.rstrip("/").endswith("/echo"):
            return self.echo(entry, raw)
        if self.command == "GET" and path.rstrip("/").endswith("/models"):
            entry["status"] = 200
            return self.send_json(200, {"object": "list", "data": [
                {"id": "fake-model", "object": "model", "created": 0,
                 "owned_by": "fake"}]})
        if self.command == "POST" and path.endswith("/chat/completions"):
            return self.complete(entry, raw, "openai")
        if self.command == "POST" and path.endswith("/messages"):
            return self.complete(entry, raw, "anthropic")
        entry["status"] = 404
        wire = "anthropic" if "x-api-key" in entry["headers"] else "openai"
        status, body = status_error(wire, 404)
        self.send_json(status, body)

    def echo(self, entry, raw):
        hdrs = {k.lower(): ("<redacted>" if k.lower() in SECRET_HEADERS else v)
                for k, v in self.headers.items()}
        fault = parse_fault_header(self.headers.get("X-Fake-Fault", ""))
        entry["fault"] = fault and fault["kind"]
        if fault and fault["kind"] == "slow":
            time.sleep(float(fault.get("delay", 5)))
        if fault and self.apply_transport_fault(entry, fault, "openai", b""):
            return
        if fault and fault["kind"].isdigit():
            return self.send_status_fault(entry, fault, "openai")
        entry["status"] = 200
        self.send_json(200, {"method": self.command, "path": self.path,
                             "body_bytes": len(raw),
                             "body_sha256": hashlib.sha256(raw).hexdigest(),
                             "headers": hdrs})

    def complete(self, entry, raw, wire):
        st = self.state
        entry["wire"] = wire
        try:
            req = json.loads(raw)
        except ValueError:
            req = None
        prompt = prompt_of(req)
        model = req.get("model") if isinstance(req, dict) else None
        msgs = req.get("messages") if isinstance(req, dict) else None
        last = msgs[-1] if isinstance(msgs, list) and msgs else None
        user = content_text(last.get("content")) if isinstance(last, dict) else ""
        entry.update({"model": model, "prompt_chars": len(prompt),
                      "prompt_sha": hashlib.sha256(
                          prompt.encode("utf-8", "replace")).hexdigest()[:16],
                      "user_head": user[:80]})
        if isinstance(req, dict):
            entry["temperature"] = req.get("temperature")
            for f in ("max_tokens", "max_completion_tokens"):
                if f in req:
                    entry[f] = req[f]
        sample = self.headers.get("X-Accc-Sample")
        entry["sample"] = int(sample) if sample and sample.isdigit() else None
        check = check_openai if wire == "openai" else check_anthropic
        open_path = any(self.path.startswith(p)
                        for p in st.script.get("open_paths", []))
        entry["auth"], err = check(self.headers, req, open_path)
        if err:
            entry["status"] = err[0]
            return self.send_json(err[0], err[1])
        fault = parse_fault_header(self.headers.get("X-Fake-Fault", "")) \
            or st.take_fault(prompt, wire, model)
        entry["fault"] = fault and fault["kind"]
        if fault and fault["kind"].isdigit():
            return self.send_status_fault(entry, fault, wire)
        if fault and fault["kind"] == "spend_limit":
            return self.send_spend_limit(entry, wire)
        text, delay = self.choose(prompt, wire, model, entry)
        if fault and fault["kind"] == "slow":
            delay += float(fault.get("delay", 5))
        if delay > 0:
            time.sleep(delay)
        kind = fault and fault["kind"]
        if wire == "openai":
            mt = req.get("max_completion_tokens") or req.get("max_tokens")
            body = openai_body(model, text, prompt, mt, kind)
            extra = [("x-request-id", rand_id("req_", 32)),
                     ("openai-processing-ms", str(int(delay * 1000) + 1))]
        else:
            body = anthropic_body(model, text, prompt, req["max_tokens"], kind)
            extra = [("request-id", rand_id("req_011C")),
                     ("anthropic-organization-id", "00000000-fake")]
        data = json.dumps(body).encode()
        if fault and self.apply_transport_fault(entry, fault, wire, data):
            return
        entry["status"] = 200
        self.send_raw(200, data, extra)

    def choose(self, prompt, wire, model, entry):
        script = self.state.script
        rule, idx = None, None
        for i, r in enumerate(script.get("replies", [])):
            if fits(r, prompt, wire, model):
                rule, idx = r, i
                break
        if rule is None:
            rule = script.get("default") or {}
            idx = "default"
        entry["rule"] = idx
        sample = entry["sample"]
        if sample is None:
            sample = self.state.counter(idx)
        if "texts" in rule and rule["texts"]:
            text = rule["texts"][sample % len(rule["texts"])]
        elif "text" in rule:
            text = rule["text"]
        elif rule.get("echo_code", "text" not in rule and "texts" not in rule):
            code = first_code_block(prompt)
            text = ("Here is the implementation.\n\n```c\n%s```\n" % code
                    if code is not None else "OK")
        else:
            text = "OK"
        text = (text.replace("{sample}", str(sample))
                .replace("{model}", str(model)).replace("{n}", str(entry["seq"])))
        if "{key}" in text:
            auth = self.headers.get("Authorization") or ""
            key = self.headers.get("x-api-key") or (
                auth[7:] if auth.startswith("Bearer ") else auth)
            text = text.replace("{key}", key)
        delay = float(script.get("delay_s", 0)) + float(rule.get("delay_s", 0))
        return text, delay

    def send_status_fault(self, entry, fault, wire):
        status = int(fault["kind"])
        status, body = status_error(wire, status)
        extra = []
        ra = fault.get("retry_after")
        if ra is not None:
            ra = str(ra)
            if ra.startswith("date:"):
                when = time.time() + float(ra[5:])
                ra = email.utils.formatdate(when, usegmt=True)
            extra.append(("Retry-After", ra))
        if fault.get("retry_after_ms") is not None:
            extra.append(("retry-after-ms", str(fault["retry_after_ms"])))
        if wire == "anthropic":
            extra.append(("request-id", body["request_id"]))
        entry["status"] = status
        self.send_json(status, body, extra)

    def send_spend_limit(self, entry, wire):
        entry["status"] = 429
        if wire == "anthropic":
            status, body = anthropic_error(429, "rate_limit_error",
                                           "You have reached your specified API "
                                           "usage limits.")
            body["error"]["details"] = {"error_code": "enforced_spend_limit_reached"}
        else:
            status, body = openai_error(429, "You exceeded your current quota, "
                                        "please check your plan and billing "
                                        "details.", "insufficient_quota",
                                        "insufficient_quota")
        self.send_json(status, body)

    def apply_transport_fault(self, entry, fault, wire, data):
        kind = fault["kind"]
        entry["status"] = 200
        if kind == "reset":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data) + 1000))
            self.end_headers()
            self.wfile.write(data[:len(data) // 2])
            self.wfile.flush()
            self.abort()
        elif kind == "close":
            entry["status"] = 0
            self.abort()
        elif kind == "truncated":
            self.send_raw(200, data[:len(data) // 2])
        elif kind == "invalid_json":
            self.send_raw(200, b"<html><body><h1>502 Bad Gateway</h1></body></html>",
                          ctype="text/html")
        elif kind == "error_200":
            status, body = status_error(wire, 500)
            self.send_json(200, body)
        elif kind in ("huge", "huge_chunked"):
            self.send_huge(int(fault.get("size", 8 << 20)), kind == "huge_chunked")
        else:
            return False
        return True

    def send_huge(self, size, chunked):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(size))
        self.end_headers()
        block, sent = b" " * 65536, 0
        try:
            while sent < size:
                part = block[:min(len(block), size - sent)]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part) if chunked
                                 else part)
                sent += len(part)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except OSError:
            self.close_connection = True

    def abort(self):
        """Close with a TCP reset (SO_LINGER 0), as a crashed proxy would."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 256
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # clients that hang up are part of the tests


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--script")
    ap.add_argument("--log")
    ap.add_argument("--max-requests", type=int, default=1000)
    ap.add_argument("--lifetime", type=float, default=120)
    ap.add_argument("--delay", type=float, default=0)
    args = ap.parse_args()
    script = {}
    if args.script:
        with open(args.script, encoding="utf-8") as f:
            script = json.load(f)
    if args.delay:
        script["delay_s"] = args.delay
    state = State(script, args.log, args.max_requests)
    Handler.state = state
    server = Server(("127.0.0.1", 0), Handler)
    state.server = server
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop_soon(server))
    timer = threading.Timer(args.lifetime, lambda: stop_soon(server))
    timer.daemon = True
    timer.start()
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.05)
    finally:
        server.server_close()
        with state.lock:
            state.write({"event": "exit", "requests": state.seq,
                         "max_inflight": state.max_inflight})
        if state.log:
            state.log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
