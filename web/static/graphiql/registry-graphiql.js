/*
 * Border Labour Registry: the page script for GraphiQL at GET /graphql.
 *
 * A static file (not an inline <script>) so that a `script-src 'self'` Content-Security-Policy holds.
 * Needs the UMD globals React, ReactDOM (18) and GraphiQL (3.x), loaded before this file.
 *
 * The registry answers only requests that carry `Authorization: Bearer <token>` and `X-Purpose`, and
 * its schema depends on the calling office. The header bar's two inputs hold those values (kept in
 * localStorage); every GraphiQL request gets them, and changing them re-mounts GraphiQL with a new
 * key so that the schema is introspected again as that office.
 *
 * The purpose field is a picker: once a token is set, the page asks `{ me { purposes } }` (which
 * needs no purpose) and offers exactly the purposes that office may state, each with what it covers.
 *
 * The page speaks the reader's language: its words come translated in the container's data-messages,
 * every request asks the server for answers in that language, and a refusal is shown with the
 * server's own (translated) message. Until a token is pasted the page shows what to paste and sends
 * nothing. "Forget token" removes everything the page keeps: token, purpose, query and history.
 */
(function () {
  'use strict';

  var TOKEN_KEY = 'borderlabour:graphiql:token';
  var PURPOSE_KEY = 'borderlabour:graphiql:purpose';
  var DEFAULT_QUERY = '{ me { code name side } }\n';

  var container = document.getElementById('graphiql');
  var tokenInput = document.getElementById('registry-token');
  var purposeInput = document.getElementById('registry-purpose');
  var purposeList = document.getElementById('registry-purposes');
  // The case a request is made for (X-Case-Ref): some purposes need one. Not kept in the browser.
  var caseRefInput = document.getElementById('registry-case-ref');
  var bar = document.getElementById('registry-bar');
  var forgetButton = document.getElementById('registry-forget');
  var statusEl = document.getElementById('registry-status');
  var purposeAbout = document.getElementById('registry-purpose-about');
  var endpoint = container.getAttribute('data-graphql-url') || '/graphql';
  var title = container.getAttribute('data-title') || 'GraphQL';
  var language = container.getAttribute('data-language') || 'en';

  function parsed(name) {
    try {
      return JSON.parse(container.getAttribute(name) || '{}');
    } catch (e) {
      return {};
    }
  }
  var messages = parsed('data-messages');
  var purposeTexts = parsed('data-purposes');

  // A message of the page in the reader's language, {name} placeholders filled in.
  function t(key, values) {
    var text = messages[key] || key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split('{' + name + '}').join(String(values[name]));
    });
    return text;
  }

  function setStatus(kind, text) {
    statusEl.textContent = text;
    statusEl.className = 'registry-status' + (kind ? ' registry-status-' + kind : '');
    statusEl.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  }

  if (!window.React || !window.ReactDOM || !window.GraphiQL) {
    container.textContent = t('assets');
    setStatus('error', t('assets'));
    return;
  }

  function load(key) {
    try {
      return window.localStorage.getItem(key) || '';
    } catch (e) {
      return '';
    }
  }

  function store(key, value) {
    try {
      if (value) {
        window.localStorage.setItem(key, value);
      } else {
        window.localStorage.removeItem(key);
      }
    } catch (e) {
      /* storage disabled: the values then live only as long as the page */
    }
  }

  var generation = 0;
  var mounted = null; // {token, purpose} of the GraphiQL currently shown
  var root = ReactDOM.createRoot(container);
  // Keep what the user typed in the query editor across re-mounts.
  var params = new URLSearchParams(window.location.search);
  var currentQuery = params.get('query') || undefined;
  var currentVariables = params.get('variables') || undefined;
  // A link can carry a query (?query=...). Opened by someone whose token this browser keeps, the page
  // would show that query ready to run as their office: until they press "Load schema", the stored
  // token is not used, so nothing from the link runs with it without a click.
  var heldForLink = Boolean(currentQuery || currentVariables);
  var HELD_MESSAGE = t('held');

  // A refusal in the server's own words (translated by the server), else its HTTP status.
  function explainFailure(status, body) {
    var first = body && Array.isArray(body.errors) && body.errors[0];
    return first && first.message ? first.message : t('http', { status: status });
  }

  // A subscription (`subscription { events(...) { ... } }`) runs over a WebSocket at the same URL, in
  // the graphql-transport-ws protocol; the token and purpose go in `connection_init`. GraphiQL shows
  // each event as it arrives from the async iterator returned here.
  function isSubscription(graphQLParams) {
    var query = ((graphQLParams && graphQLParams.query) || '').replace(/#[^\n]*/g, '');
    var name = graphQLParams && graphQLParams.operationName;
    return name ? new RegExp('subscription\\s+' + name + '\\b').test(query) : /^\s*subscription\b/.test(query);
  }

  function subscribe(token, purpose, graphQLParams) {
    var url = (window.location.protocol === 'https:' ? 'wss://' : 'ws://') + window.location.host + endpoint;
    var socket = new WebSocket(url, 'graphql-transport-ws');
    var queue = [];
    var waiting = null;
    var ended = false;
    function push(item) {
      if (waiting) {
        var resolve = waiting;
        waiting = null;
        resolve(item);
      } else {
        queue.push(item);
      }
    }
    function finish(errors) {
      if (ended) return;
      ended = true;
      if (errors) push({ value: { errors: errors }, done: false });
      push({ value: undefined, done: true });
    }
    socket.onopen = function () {
      socket.send(JSON.stringify({ type: 'connection_init', payload: { token: token, purpose: purpose } }));
    };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: graphQLParams }));
      } else if (message.type === 'next') {
        push({ value: message.payload, done: false });
      } else if (message.type === 'error') {
        finish(message.payload);
      } else if (message.type === 'complete') {
        finish(null);
      } else if (message.type === 'ping') {
        socket.send(JSON.stringify({ type: 'pong' }));
      }
    };
    socket.onclose = function (event) {
      finish([{ message: t('subscription_ended', { code: event.code, reason: event.reason || '' }) }]);
    };
    var iterator = {
      next: function () {
        if (queue.length) return Promise.resolve(queue.shift());
        return new Promise(function (resolve) {
          waiting = resolve;
        });
      },
      return: function () {
        ended = true;
        socket.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
    iterator[Symbol.asyncIterator] = function () {
      return iterator;
    };
    return iterator;
  }

  function makeFetcher(token, purpose, caseRef, gen) {
    // Answers to a GraphiQL that has since been replaced must not overwrite the status bar.
    function report(kind, text) {
      if (gen === generation) setStatus(kind, text);
    }
    return function fetcher(graphQLParams, opts) {
      if (isSubscription(graphQLParams)) return subscribe(token, purpose, graphQLParams);
      var headers = {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'Accept-Language': language,
      };
      if (token) headers.Authorization = 'Bearer ' + token;
      if (purpose) headers['X-Purpose'] = purpose;
      if (caseRef) headers['X-Case-Ref'] = caseRef;
      // Headers typed into GraphiQL's own headers editor win: they are explicit, per request.
      var extra = (opts && opts.headers) || {};
      Object.keys(extra).forEach(function (name) {
        headers[name] = extra[name];
      });
      var isIntrospection = graphQLParams && graphQLParams.operationName === 'IntrospectionQuery';
      return window
        .fetch(endpoint, {
          method: 'POST',
          headers: headers,
          body: JSON.stringify(graphQLParams),
          credentials: 'same-origin',
        })
        .then(function (response) {
          return response.text().then(function (text) {
            var body = null;
            try {
              body = text ? JSON.parse(text) : null;
            } catch (e) {
              body = null;
            }
            if (!response.ok) {
              var message = explainFailure(response.status, body);
              report('error', message);
              if (body && Array.isArray(body.errors)) return { errors: body.errors };
              return { errors: [{ message: message }] };
            }
            if (body === null) {
              report('error', t('not_json'));
              return { errors: [{ message: t('not_json') + ' ' + text.slice(0, 500) }] };
            }
            if (isIntrospection) {
              report('ok', body.errors ? t('schema_errors') : t('schema_loaded'));
            }
            return body;
          });
        })
        .catch(function (err) {
          if (err && err.name === 'AbortError') throw err;
          report('error', t('unreachable', { endpoint: endpoint, error: err && err.message ? err.message : err }));
          throw err;
        });
    };
  }

  var mountedAt = 0;
  var purposesFor = null; // the token whose purposes the picker offers

  // Fills the purpose picker with the purposes the token's office may state.
  function loadPurposes(token) {
    if (token === purposesFor) return;
    purposesFor = token;
    while (purposeList.firstChild) purposeList.removeChild(purposeList.firstChild);
    purposeInput.removeAttribute('title');
    if (!token) return;
    window
      .fetch(endpoint, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Accept-Language': language,
          Authorization: 'Bearer ' + token,
        },
        body: JSON.stringify({ query: '{ me { code purposes } }' }),
        credentials: 'same-origin',
      })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (body) {
        if (token !== purposesFor || !body || !body.data || !body.data.me) return;
        var lines = [t('may_state', { office: body.data.me.code }) + ':'];
        body.data.me.purposes.forEach(function (purpose) {
          var option = document.createElement('option');
          option.value = purpose;
          option.label = purposeTexts[purpose] ? purpose + ': ' + purposeTexts[purpose] : purpose;
          option.textContent = purposeTexts[purpose] || '';
          purposeList.appendChild(option);
          lines.push(option.label);
        });
        purposeInput.title = lines.join('\n');
        purposeInput.setAttribute('data-loaded-for', body.data.me.code);
      })
      .catch(function () {
        /* the schema request reports connection problems in the status bar */
      });
  }

  // What the page shows before a token is pasted: what to paste and why, and nothing sent.
  function welcome() {
    var e = React.createElement;
    return e(
      'div',
      { id: 'registry-welcome', className: 'registry-welcome' },
      e('h1', null, t('welcome_title')),
      e('ol', null, e('li', null, t('welcome_token')), e('li', null, t('welcome_purpose')), e('li', null, t('welcome_load')))
    );
  }

  function describePurpose() {
    var text = purposeTexts[purposeInput.value.trim()] || '';
    purposeAbout.textContent = text;
    purposeAbout.title = text;
  }

  // force: re-mount even if the token and purpose did not change (the "Load schema" button, to retry),
  // unless a change event has just mounted these values (Enter fires both change and submit).
  function mount(force) {
    if (force) heldForLink = false;
    var token = heldForLink ? '' : tokenInput.value.trim();
    var purpose = purposeInput.value.trim();
    var caseRef = caseRefInput.value.trim();
    var same =
      mounted && mounted.token === token && mounted.purpose === purpose && mounted.caseRef === caseRef;
    if (same && (!force || Date.now() - mountedAt < 500)) return;
    mounted = { token: token, purpose: purpose, caseRef: caseRef };
    mountedAt = Date.now();
    loadPurposes(token);
    store(TOKEN_KEY, token);
    store(PURPOSE_KEY, purpose);
    generation += 1;
    var held = heldForLink && Boolean(tokenInput.value.trim());
    var fetcher = makeFetcher(token, purpose, caseRef, generation);
    if (held) {
      // Nothing is sent until the click: not even the schema request.
      setStatus('warn', HELD_MESSAGE);
      fetcher = function () {
        return Promise.resolve({ errors: [{ message: HELD_MESSAGE }] });
      };
    } else if (!token) {
      setStatus('', t('need_token'));
      root.render(welcome());
      return;
    } else {
      setStatus('', t('loading_schema'));
    }
    root.render(
      React.createElement(
        GraphiQL,
        {
          // A new key gives a fresh GraphiQL, which introspects again with the new headers.
          key: 'registry-' + generation,
          fetcher: fetcher,
          defaultQuery: DEFAULT_QUERY,
          query: currentQuery,
          variables: currentVariables,
          onEditQuery: function (value) {
            currentQuery = value;
          },
          onEditVariables: function (value) {
            currentVariables = value;
          },
          storage: storageFor(generation),
          isHeadersEditorEnabled: true,
          shouldPersistHeaders: false,
          defaultEditorToolsVisibility: false,
        },
        React.createElement(GraphiQL.Logo, null, title)
      )
    );
  }

  // The browser storage GraphiQL keeps its tabs and history in, for the GraphiQL of mount `owner`.
  // GraphiQL saves its tabs half a second after a change: a GraphiQL already replaced (a new token,
  // or forgetting) must not write them back after the page cleared them, so its writes are dropped.
  function storageFor(owner) {
    function current() {
      return owner === generation;
    }
    function each(act) {
      try {
        return act(window.localStorage);
      } catch (e) {
        return null; /* storage disabled: nothing is kept */
      }
    }
    return {
      getItem: function (key) {
        return each(function (s) { return s.getItem(key); });
      },
      setItem: function (key, value) {
        if (current()) each(function (s) { s.setItem(key, value); });
      },
      removeItem: function (key) {
        if (current()) each(function (s) { s.removeItem(key); });
      },
      get length() {
        return each(function (s) {
          return Object.keys(s).filter(function (k) { return k.indexOf('graphiql:') === 0; }).length;
        }) || 0;
      },
      clear: function () {
        if (!current()) return;
        each(function (s) {
          Object.keys(s).forEach(function (k) {
            if (k.indexOf('graphiql:') === 0) s.removeItem(k);
          });
        });
      },
    };
  }

  tokenInput.value = load(TOKEN_KEY);
  purposeInput.value = load(PURPOSE_KEY);
  describePurpose();

  bar.addEventListener('submit', function (event) {
    event.preventDefault();
    mount(true);
  });
  tokenInput.addEventListener('change', function () {
    mount(false);
  });
  purposeInput.addEventListener('change', function () {
    describePurpose();
    mount(false);
  });
  caseRefInput.addEventListener('change', function () {
    mount(false);
  });
  purposeInput.addEventListener('input', describePurpose);
  // Everything this page and GraphiQL keep in the browser goes: token, purpose, query, variables,
  // headers, tabs and history (GraphiQL keeps them under "graphiql:" keys).
  forgetButton.addEventListener('click', function () {
    tokenInput.value = '';
    purposeInput.value = '';
    caseRefInput.value = '';
    describePurpose();
    currentQuery = undefined;
    currentVariables = undefined;
    try {
      Object.keys(window.localStorage).forEach(function (key) {
        if (key.indexOf('graphiql:') === 0 || key.indexOf('borderlabour:graphiql:') === 0) {
          window.localStorage.removeItem(key);
        }
      });
    } catch (e) {
      /* storage disabled: nothing was kept */
    }
    mounted = null;
    mount(false);
    setStatus('ok', t('forgotten'));
    tokenInput.focus();
  });

  mount(false);
  if (!tokenInput.value) tokenInput.focus();
})();
