package io.svcgate.state.filter;

import com.fasterxml.jackson.databind.JsonNode;
import io.svcgate.state.Json;
import java.io.UncheckedIOException;

/** Test documents. */
final class Docs {

  private Docs() {
  }

  /** JSON with single quotes for readability: every ' becomes ". */
  static JsonNode json(String singleQuoted) {
    try {
      return Json.parse(singleQuoted.replace('\'', '"'));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The cluster-state example of docs/model.md, with a second node n2 and a frozen service. */
  static final JsonNode CLUSTER = json("""
      {
        'cluster': {'name': 'demo', 'nodes': ['n1', 'n2', 'nuc-cva']},
        'monitor': {
          'services': {
            'ns1/svc/web': {'avail': 'up', 'overall': 'warn', 'frozen': 0},
            'ns1/svc/db': {'avail': 'down', 'overall': 'down', 'frozen': 1764147001.2}
          },
          'nodes': {
            'n1': {
              'frozen': 0, 'speaker': true, 'labels': {'az': 'fr1'},
              'monitor': {'status': 'idle', 'status_updated': 1764147001.2, 'global_expect': null},
              'stats': {'load_15m': 0.3, 'score': 72},
              'services': {'status': {'ns1/svc/web': {'avail': 'up', 'overall': 'up',
                'monitor': {'status': 'idle'},
                'resources': {'fs#1': {'status': 'up', 'log': []}}}}}
            },
            'n2': {
              'frozen': 0.0, 'speaker': false, 'labels': {},
              'monitor': {'status': 'thawing', 'global_expect': 'thawed'},
              'stats': {'load_15m': 1.5, 'score': 40}
            },
            'nuc-cva': {
              'frozen': 1764147001.2, 'speaker': false,
              'monitor': {'status': 'idle'}
            }
          }
        }
      }
      """);
}
