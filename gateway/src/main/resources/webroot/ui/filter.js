// The filter language of docs/filters.md, evaluated in the browser on the page's
// replica of the document so that a filter's matches follow the stream live.
// The gateway stays the judge of syntax (the page validates a filter with
// /api/wait?duration=0 first, which answers its error message) and of waits.
"use strict";
(function (global) {
  const OPERATORS = [">=", "<=", "!=", "=", ">", "<", "~", " in "];
  const NUMBER = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
  const TRUE = new Set(["yes", "y", "true", "t", "1"]);
  const FALSE = new Set(["no", "n", "false", "f", "0", "0.0", "", "none", "[]", "{}"]);

  class FilterError extends Error {}

  // ---- paths: a list of steps {k: key} {i: index} {any: true} {desc: name|null} {seg, i}
  function parsePath(text) {
    const s = text.trim();
    if (s === "") throw new FilterError("expected a path");
    const steps = [];
    let pos = 0;
    const peek = () => s[pos];
    const quoted = () => {
      const q = s[pos++];
      let b = "";
      for (;;) {
        if (pos >= s.length) throw new FilterError("unterminated quoted key: no closing " + q);
        const c = s[pos];
        if (c === q) {
          if (s[pos + 1] === q) { b += q; pos += 2; continue; }
          pos++;
          return b;
        }
        b += c; pos++;
      }
    };
    const step = () => {
      const c = peek();
      if (c === "*") { pos++; return { any: true }; }
      if (c === "'" || c === '"') return { k: quoted() };
      const m = /^[A-Za-z_@][A-Za-z0-9_@-]*/.exec(s.slice(pos));
      if (!m) throw new FilterError("expected a key, a quoted key or '*' at position " + pos);
      pos += m[0].length;
      return { k: m[0] };
    };
    const bracket = () => {
      pos++;
      const c = peek();
      if (c === "*") { pos++; steps.push({ any: true }); }
      else if (c === "'" || c === '"') steps.push({ k: quoted() });
      else {
        const m = /^-?[0-9]+/.exec(s.slice(pos));
        if (!m) throw new FilterError("expected an index, '*' or a quoted key after '['");
        pos += m[0].length;
        steps.push({ i: parseInt(m[0], 10) });
      }
      if (peek() !== "]") throw new FilterError("expected ']' at position " + pos);
      pos++;
    };
    const dot = () => {
      pos++;
      if (peek() === ".") {
        pos++;
        const st = step();
        steps.push({ desc: st.k === undefined ? null : st.k });
      } else {
        steps.push(step());
      }
    };
    if (s[0] === "/") {
      for (const raw of s.slice(1).split("/")) {
        const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
        if (/^(0|[1-9][0-9]{0,9})$/.test(seg)) steps.push({ seg, i: parseInt(seg, 10) });
        else steps.push({ k: seg });
      }
      return steps;
    }
    let dollar = false;
    if (peek() === "$") { dollar = true; pos++; if (pos === s.length) return steps; }
    if (peek() === ".") dot();
    else if (peek() === "[") bracket();
    else if (dollar) throw new FilterError("expected '.', '[' or the end of the path after '$'");
    else steps.push(step());
    while (pos < s.length) {
      if (peek() === ".") dot();
      else if (peek() === "[") bracket();
      else throw new FilterError("expected '.', '[' or the end of the path at position " + pos);
    }
    return steps;
  }

  // The values a path selects, in document order, each location once: [{path, value}].
  function select(steps, root) {
    const out = [];
    if (root === undefined) return out;
    const accept = steps.length;
    const advance = (states, key, idx, size) => {
      const next = new Set();
      for (const i of states) {
        if (i === accept) continue;
        const st = steps[i];
        if (st.desc !== undefined) {
          next.add(i);
          if (st.desc === null || (key !== null && st.desc === key)) next.add(i + 1);
        } else if (st.any) next.add(i + 1);
        else if (st.k !== undefined) { if (key !== null && st.k === key) next.add(i + 1); }
        else if (st.seg !== undefined) {
          if ((key !== null && st.seg === key) || (idx !== null && st.i === idx)) next.add(i + 1);
        } else if (st.i !== undefined && idx !== null) {
          if ((st.i >= 0 ? st.i : size + st.i) === idx) next.add(i + 1);
        }
      }
      return next;
    };
    const walk = (node, trail, states) => {
      if (states.has(accept)) out.push({ path: trail.slice(), value: node });
      if (node === null || typeof node !== "object") return;
      if (Array.isArray(node)) {
        for (let j = 0; j < node.length; j++) {
          const n = advance(states, null, j, node.length);
          if (n.size) { trail.push(j); walk(node[j], trail, n); trail.pop(); }
        }
      } else if (states.size === 1 && steps[[...states][0]] && steps[[...states][0]].k !== undefined) {
        const st = steps[[...states][0]];
        if (Object.prototype.hasOwnProperty.call(node, st.k)) {
          trail.push(st.k); walk(node[st.k], trail, new Set([[...states][0] + 1])); trail.pop();
        }
      } else {
        for (const key of Object.keys(node)) {
          const n = advance(states, key, null, 0);
          if (n.size) { trail.push(key); walk(node[key], trail, n); trail.pop(); }
        }
      }
    };
    walk(root, [], new Set([0]));
    return out;
  }

  // The leading literal keys of a path: every match lies under them.
  function fixedPrefix(steps) {
    const out = [];
    for (const st of steps) {
      if (st.k !== undefined) out.push(st.k);
      else if (st.i !== undefined && st.seg === undefined && st.i >= 0) out.push(st.i);
      else break;
    }
    return out;
  }

  // ---- conditions
  function quotedMask(text, from) {
    const q = new Array(text.length).fill(false);
    let open = null;
    for (let i = from; i < text.length; i++) {
      const c = text[i];
      if (open) {
        q[i] = true;
        if (c === open) {
          if (text[i + 1] === open) q[++i] = true; else open = null;
        }
      } else if ((c === "'" || c === '"') && (i === from || text[i - 1] === "." || text[i - 1] === "[")) {
        open = c; q[i] = true;
      }
    }
    return q;
  }

  function operand(v) {
    const o = { text: v, number: null, bool: null, isNull: v.toLowerCase() === "null" || v.toLowerCase() === "none", json: undefined };
    if (NUMBER.test(v)) o.number = Number(v);
    const l = v.toLowerCase();
    if (TRUE.has(l)) o.bool = true; else if (FALSE.has(l)) o.bool = false;
    try { o.json = JSON.parse(v); } catch (e) { o.json = undefined; }
    return o;
  }

  function parseCondition(text) {
    let start = 0;
    const lead = /^\s*/.exec(text)[0].length;
    let negated = false;
    if (text[lead] === "!") { negated = true; start = lead + 1; }
    const p = start + /^\s*/.exec(text.slice(start))[0].length;
    const pointer = text[p] === "/";
    const quoted = pointer ? new Array(text.length).fill(false) : quotedMask(text, p);
    let op = null, at = -1;
    for (const cand of OPERATORS) {
      if (cand === "~" && pointer) {
        at = -1;
        for (let i = text.length - 1; i >= start; i--) {
          if (text[i] === "~" && text[i + 1] !== "0" && text[i + 1] !== "1") { at = i; break; }
        }
      } else {
        at = text.lastIndexOf(cand);
        while (at >= start && quoted[at]) at = at === 0 ? -1 : text.lastIndexOf(cand, at - 1);
      }
      if (at >= start) { op = cand; break; }
    }
    if (op === null) return { negated, path: parsePath(text.slice(start)), op: null };
    const path = parsePath(text.slice(start, at));
    const value = text.slice(at + op.length).trim();
    const c = { negated, path, op, value };
    if (op === "~") c.re = new RegExp(value, "u");
    else if (op === " in ") {
      if (value.startsWith("[")) {
        const list = JSON.parse(value);
        c.members = list.map(m => operand(typeof m === "string" ? m : JSON.stringify(m)));
      } else c.members = value.split(",").map(m => operand(m.trim()));
    } else c.operand = operand(value);
    return c;
  }

  function truthy(v) {
    if (v === null || v === undefined) return false;
    if (typeof v === "number") return v !== 0;
    if (typeof v === "boolean") return v;
    if (typeof v === "string") return v !== "";
    if (Array.isArray(v)) return v.length > 0;
    return Object.keys(v).length > 0;
  }

  function deepEqual(a, b) {
    if (a === b) return true;
    if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const ka = Object.keys(a), kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every(k => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }

  function isEqual(v, o) {
    if (typeof v === "number") return o.number !== null && v === o.number;
    if (typeof v === "boolean") return o.bool !== null && v === o.bool;
    if (typeof v === "string") return v === o.text;
    if (v === null) return o.isNull;
    return o.json !== undefined && deepEqual(v, o.json);
  }

  function compare(v, o) {
    if (typeof v === "number") return o.number === null ? null : Math.sign(v - o.number);
    if (typeof v === "boolean") return o.bool === null ? null : Number(v) - Number(o.bool);
    if (typeof v === "string") return v < o.text ? -1 : v > o.text ? 1 : 0;
    return null;
  }

  function holdsOne(c, v) {
    switch (c.op) {
      case null: return truthy(v);
      case "=": return isEqual(v, c.operand);
      case "!=": return !isEqual(v, c.operand);
      case "~": return c.re.test(typeof v === "string" ? v : JSON.stringify(v));
      case " in ": return c.members.some(m => isEqual(v, m));
      default: {
        const r = compare(v, c.operand);
        if (r === null) return false;
        return c.op === ">=" ? r >= 0 : c.op === "<=" ? r <= 0 : c.op === ">" ? r > 0 : r < 0;
      }
    }
  }

  // {holds, matches: [{path, value, ok}]}: every match of the path, with whether it satisfies the operator.
  function evaluate(c, root) {
    const matches = select(c.path, root).map(m => ({ path: m.path, value: m.value, ok: holdsOne(c, m.value) }));
    const any = matches.some(m => m.ok);
    return { holds: any !== c.negated, matches };
  }

  global.SvcFilter = { parsePath, parseCondition, select, evaluate, fixedPrefix, FilterError };
})(typeof window !== "undefined" ? window : globalThis);
