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
 * needs no purpose) and offers exactly the purposes that office may state.
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
  var endpoint = container.getAttribute('data-graphql-url') || '/graphql';
  var title = container.getAttribute('data-title') || 'GraphQL';

  function setStatus(kind, text) {
    statusEl.textContent = text;
    statusEl.className = 'registry-status' + (kind ? ' registry-status-' + kind : '');
    statusEl.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  }

  if (!window.React || !window.ReactDOM || !window.GraphiQL) {
    container.textContent = 'GraphiQL could not be loaded from /graphiql-static.';
    setStatus('error', 'GraphiQL assets failed to load.');
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
  var HELD_MESSAGE = 'This link carries a query: read it, then press "Load schema" to use your token.';

  function explainFailure(status, purpose) {
    if (status === 401) {
      return "401 Unauthorized: paste your office's bearer token in the bar above (the one sent was " +
        'missing, expired or not accepted).';
    }
    if (status === 403) {
      return '403 Forbidden: this office may not do that' +
        (purpose ? ' for purpose "' + purpose + '"' : '; set a purpose in the bar above') + '.';
    }
    return 'The server answered HTTP ' + status + '.';
  }

  function makeFetcher(token, purpose, caseRef, gen) {
    // Answers to a GraphiQL that has since been replaced must not overwrite the status bar.
    function report(kind, text) {
      if (gen === generation) setStatus(kind, text);
    }
    return function fetcher(graphQLParams, opts) {
      var headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
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
              var message = explainFailure(response.status, purpose);
              report('error', message);
              // Put the explanation first in the response pane, then whatever the server said.
              var errors = [{ message: message }];
              if (body && Array.isArray(body.errors)) {
                errors = errors.concat(body.errors);
              } else if (text) {
                errors.push({ message: text.slice(0, 500) });
              }
              return { errors: errors };
            }
            if (body === null) {
              report('error', 'The server answered with something that is not JSON.');
              return { errors: [{ message: 'Response is not JSON: ' + text.slice(0, 500) }] };
            }
            if (isIntrospection) {
              report('ok', body.errors ? 'Schema request returned errors.' : 'Schema loaded for this token.');
            }
            return body;
          });
        })
        .catch(function (err) {
          if (err && err.name === 'AbortError') throw err;
          report('error', 'Could not reach ' + endpoint + ': ' + (err && err.message ? err.message : err));
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
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token },
        body: JSON.stringify({ query: '{ me { code purposes } }' }),
        credentials: 'same-origin',
      })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (body) {
        if (token !== purposesFor || !body || !body.data || !body.data.me) return;
        body.data.me.purposes.forEach(function (purpose) {
          var option = document.createElement('option');
          option.value = purpose;
          purposeList.appendChild(option);
        });
        purposeInput.title = body.data.me.code + ' may state: ' + body.data.me.purposes.join(', ');
        purposeInput.setAttribute('data-loaded-for', body.data.me.code);
      })
      .catch(function () {
        /* the schema request reports connection problems in the status bar */
      });
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
      setStatus('warn', "Paste your office's bearer token to load your schema.");
    } else {
      setStatus('', 'Loading schema…');
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
          isHeadersEditorEnabled: true,
          shouldPersistHeaders: false,
          defaultEditorToolsVisibility: false,
        },
        React.createElement(GraphiQL.Logo, null, title)
      )
    );
  }

  tokenInput.value = load(TOKEN_KEY);
  purposeInput.value = load(PURPOSE_KEY);

  bar.addEventListener('submit', function (event) {
    event.preventDefault();
    mount(true);
  });
  tokenInput.addEventListener('change', function () {
    mount(false);
  });
  purposeInput.addEventListener('change', function () {
    mount(false);
  });
  caseRefInput.addEventListener('change', function () {
    mount(false);
  });
  forgetButton.addEventListener('click', function () {
    tokenInput.value = '';
    mount(false);
    tokenInput.focus();
  });

  mount(false);
  if (!tokenInput.value) tokenInput.focus();
})();
