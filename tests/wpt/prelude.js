// The first part of every test bundle run_wpt.py builds. This file is one function
// expression; the bundle starts with
//
//   const fetch = (<this file>)({ testPath, search, title, origin, files });
//
// so the loader's `fetch` is a binding of the script's global lexical scope: every later
// part of the bundle (testharness.js, the META scripts, the test) sees it, while the global
// object is left alone (`globalThis.fetch` is whatever the runtime has, or nothing).
//
// It makes the global look like a worker's for testharness.js and the tests:
// - `self` is the global object (kiln has it; Node 20 has not);
// - `location` describes the test's URL, http://web-platform.test:8000/<path><variant>;
// - `GLOBAL` tells the tests which kind of global they run in (a worker);
// - `META_TITLE` is the test's `// META: title=`, testharness.js's default test name.
(function wptPrelude(config) {
  'use strict';

  function defineGlobal(name, value) {
    Object.defineProperty(globalThis, name, {
      value, writable: true, enumerable: false, configurable: true,
    });
  }

  if (typeof self === 'undefined') defineGlobal('self', globalThis);

  // WorkerLocation's attributes, for the test's URL. Built from the parts the driver
  // computed, so the harness does not depend on the runtime's URL implementation.
  const host = config.origin.replace(/^[a-z]+:\/\//, '');
  const href = config.origin + config.testPath + config.search;
  const location = Object.freeze({
    href,
    origin: config.origin,
    protocol: config.origin.slice(0, config.origin.indexOf(':') + 1),
    host,
    hostname: host.replace(/:\d+$/, ''),
    port: (host.match(/:(\d+)$/) || ['', ''])[1],
    pathname: config.testPath,
    search: config.search,
    hash: '',
    toString() { return href; },
  });
  defineGlobal('location', location);

  // The kind of global, as WPT's generated worker wrappers define it.
  defineGlobal('GLOBAL', Object.freeze({
    isWindow() { return false; },
    isWorker() { return true; },
    isShadowRealm() { return false; },
  }));
  if (config.title !== null) defineGlobal('META_TITLE', config.title);

  // --- the loader: fetch() answering from the files the driver embedded ---------------
  // config.files maps root-relative paths ('/url/resources/urltestdata.json') to the
  // files' text.
  const files = config.files;
  const testDirectory = config.testPath.slice(0, config.testPath.lastIndexOf('/') + 1);

  // A request URL as a root-relative path with '.' and '..' segments resolved, the way
  // the test server would see it; null for a URL of another origin or scheme.
  function resolveRequest(request) {
    let path = request.replace(/[?#].*$/s, '');
    if (path.startsWith(config.origin + '/')) {
      path = path.slice(config.origin.length);
    } else if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(path)) {
      return null;
    } else if (!path.startsWith('/')) {
      path = testDirectory + path;
    }
    const segments = [];
    for (const segment of path.split('/').slice(1)) {
      if (segment === '..') segments.pop();
      else if (segment !== '.') segments.push(segment);
    }
    return '/' + segments.join('/');
  }

  function utf8Bytes(text) {
    const bytes = [];
    for (const character of text) {        // iterates by code point
      let code = character.codePointAt(0);
      if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;   // a lone surrogate
      if (code < 0x80) {
        bytes.push(code);
      } else if (code < 0x800) {
        bytes.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
      } else if (code < 0x10000) {
        bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
      } else {
        bytes.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 0x3f),
                   0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
      }
    }
    return new Uint8Array(bytes).buffer;
  }

  // What a test reads of a Response: status, ok, url and the body, readable once.
  function makeResponse(url, status, body) {
    let bodyUsed = false;
    function consume(method) {
      if (bodyUsed) {
        return Promise.reject(new TypeError(
            `Failed to execute '${method}' on 'Response': body stream already read`));
      }
      bodyUsed = true;
      return Promise.resolve(body);
    }
    return Object.freeze({
      url,
      status,
      ok: status >= 200 && status < 300,
      statusText: status === 200 ? 'OK' : 'Not Found',
      get bodyUsed() { return bodyUsed; },
      text() { return consume('text'); },
      json() { return consume('json').then((text) => JSON.parse(text)); },
      arrayBuffer() { return consume('arrayBuffer').then(utf8Bytes); },
    });
  }

  // blob: and data: URLs need no server: the runtime's own fetch() answers them, when it
  // has one.
  const runtimeFetch = typeof globalThis.fetch === 'function' ? globalThis.fetch : null;

  return function fetch(input, init) {
    const request = typeof input === 'object' && input !== null && 'url' in input ?
        String(input.url) : String(input);
    if (runtimeFetch !== null && /^(blob|data):/i.test(request)) {
      return runtimeFetch(input, init);
    }
    const path = resolveRequest(request);
    if (path === null) {
      return Promise.reject(new TypeError(
          `WPT loader: only files of ${config.origin} can be fetched, not ${request}`));
    }
    const url = config.origin + path;
    if (Object.prototype.hasOwnProperty.call(files, path)) {
      return Promise.resolve(makeResponse(url, 200, files[path]));
    }
    return Promise.resolve(makeResponse(url, 404, `${path}: not embedded in this bundle`));
  };
})
