// The label-selector string grammar, ported state for state from apimachinery pkg/labels/selector.go (Lexer,
// Parser) so that every accepted input and every error message is the same as upstream's:
//
//   <selector>    ::= <requirement> | <requirement> "," <selector>
//   <requirement> ::= [!] KEY [ ("in" | "notin") "(" VALUE ("," VALUE)* ")" | ("=" | "==" | "!=" | ">" | "<") VALUE ]
//
// Whitespace (space, tab, CR, LF) separates tokens; `in`/`notin` are keywords only in operator position.
import { goCompareStrings } from './go-text.js';
import { LabelSelectorError, newLabelRequirement, type LabelOperator, type LabelRequirement } from './label-requirement.js';
import { labelKeyErrors } from './label-validation.js';
import { invalid } from './field-errors.js';

type Token = 'error' | 'eos' | ')' | ',' | '!' | '==' | '=' | '>' | 'id' | 'in' | '<' | '!=' | 'notin' | '(';

interface Item {
  tok: Token;
  lit: string;
}

const LITERAL_TOKENS: Readonly<Record<string, Token>> = {
  ')': ')', ',': ',', '!': '!', '==': '==', '=': '=', '>': '>', in: 'in', '<': '<', '!=': '!=', notin: 'notin', '(': '(',
};

const BINARY_OPERATORS: readonly string[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

const OPERATOR_TOKENS: Partial<Record<Token, LabelOperator>> = {
  in: 'in', notin: 'notin', '=': '=', '==': '==', '!=': '!=', '>': 'gt', '<': 'lt',
};

const isWhitespace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecial = (ch: string): boolean => ch.length === 1 && '=!(),><'.includes(ch);

/** Upstream reads bytes and treats byte 0 as the end of input; a NUL character therefore ends the current token. */
function lex(s: string): Item[] {
  let pos = 0;
  const read = (): string => (pos < s.length ? (s[pos++] ?? '\0') : '\0');
  const items: Item[] = [];
  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    if (ch === '\0') {
      items.push({ tok: 'eos', lit: '' });
      return items;
    }
    pos--;
    let buffer = '';
    if (isSpecial(ch)) {
      // Longest run of special characters that still spells an operator: `!=`, `==`, then one-character ones.
      let last: Item | undefined;
      for (let c = read(); c !== '\0'; c = read()) {
        if (!isSpecial(c)) {
          pos--;
          break;
        }
        buffer += c;
        const tok = LITERAL_TOKENS[buffer];
        if (tok !== undefined) {
          last = { tok, lit: buffer };
        } else if (last !== undefined) {
          pos--;
          break;
        }
      }
      items.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buffer}'` });
    } else {
      for (let c = read(); c !== '\0'; c = read()) {
        if (isSpecial(c) || isWhitespace(c)) {
          pos--;
          break;
        }
        buffer += c;
      }
      items.push({ tok: LITERAL_TOKENS[buffer] ?? 'id', lit: buffer });
    }
  }
}

type Context = 'operator' | 'values';

class Parser {
  private position = 0;

  constructor(private readonly items: readonly Item[]) {}

  /** Outside operator position the keywords `in` and `notin` are plain identifiers. */
  private peek(ctx: Context): Item {
    const item = this.items[this.position] ?? { tok: 'eos', lit: '' };
    return ctx === 'values' && (item.tok === 'in' || item.tok === 'notin') ? { tok: 'id', lit: item.lit } : item;
  }

  private next(ctx: Context): Item {
    const item = this.peek(ctx);
    this.position++;
    return item;
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.peek('values');
      if (tok === 'eos') return requirements;
      if (tok !== 'id' && tok !== '!') throw new LabelSelectorError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      try {
        requirements.push(this.parseRequirement());
      } catch (e) {
        if (e instanceof LabelSelectorError) throw new LabelSelectorError(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const after = this.next('values');
      if (after.tok === 'eos') return requirements;
      if (after.tok !== ',') throw new LabelSelectorError(`found '${after.lit}', expected: ',' or 'end of string'`);
      const following = this.peek('values');
      if (following.tok !== 'id' && following.tok !== '!') {
        throw new LabelSelectorError(`found '${following.lit}', expected: identifier after ','`);
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    let item = this.next('values');
    const negated = item.tok === '!';
    if (negated) item = this.next('values');
    if (item.tok !== 'id') throw new LabelSelectorError(`found '${item.lit}', expected: identifier`);
    const key = item.lit;
    // Upstream validates the key here without a field path, which it prints as `<nil>`.
    const keyErrs = labelKeyErrors(key);
    if (keyErrs.length > 0) throw new LabelSelectorError(invalid(null, key, keyErrs.join('; ')).toString());
    if (negated) return newLabelRequirement(key, '!', []);
    const ahead = this.peek('values').tok;
    if (ahead === 'eos' || ahead === ',') return newLabelRequirement(key, 'exists', []);
    const operator = this.parseOperator();
    const values = operator === 'in' || operator === 'notin' ? this.parseValues() : this.parseExactValue();
    return newLabelRequirement(key, operator, [...values].sort(goCompareStrings));
  }

  private parseOperator(): LabelOperator {
    const { tok, lit } = this.next('operator');
    const op = OPERATOR_TOKENS[tok];
    if (op === undefined) throw new LabelSelectorError(`found '${lit}', expected: ${BINARY_OPERATORS.join(', ')}`);
    return op;
  }

  private parseValues(): Set<string> {
    const open = this.next('values');
    if (open.tok !== '(') throw new LabelSelectorError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.peek('values');
    if (tok === ')') {
      this.next('values');
      return new Set(['']);
    }
    if (tok !== 'id' && tok !== ',') throw new LabelSelectorError(`found '${lit}', expected: ',', ')' or identifier`);
    const values = this.parseIdentifiersList();
    this.next('values'); // the ')' that ended the list
    return values;
  }

  /** A possibly empty, comma-separated list of possibly empty values: `(a,,b)`, `(,a)`, `(a,)`. */
  private parseIdentifiersList(): Set<string> {
    const values = new Set<string>();
    for (;;) {
      const { tok, lit } = this.next('values');
      if (tok === 'id') {
        values.add(lit);
        const ahead = this.peek('values');
        if (ahead.tok === ')') return values;
        if (ahead.tok !== ',') throw new LabelSelectorError(`found '${ahead.lit}', expected: ',' or ')'`);
      } else if (tok === ',') {
        if (values.size === 0) values.add('');
        const ahead = this.peek('values').tok;
        if (ahead === ')') {
          values.add('');
          return values;
        }
        if (ahead === ',') values.add('');
      } else {
        throw new LabelSelectorError(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): Set<string> {
    const ahead = this.peek('values').tok;
    if (ahead === 'eos' || ahead === ',') return new Set(['']);
    const { tok, lit } = this.next('values');
    if (tok === 'id') return new Set([lit]);
    throw new LabelSelectorError(`found '${lit}', expected: identifier`);
  }
}

/** Parses a selector string into its requirements, in input order; throws LabelSelectorError. */
export function parseLabelRequirements(input: string): LabelRequirement[] {
  return new Parser(lex(input)).parse();
}
