// Core purity check (part of `pnpm depcheck` / `pnpm lint`): packages/core/src must not read
// the environment, the wall clock or randomness, nor reach the network, the file system or an
// infrastructure SDK. Time comes through the Clock port, randomness through a seeded PRNG
// passed in, configuration as arguments.
//
// .dependency-cruiser.cjs checks what core imports; this checks what it *uses* (globals such
// as process.env, Date.now, Math.random) and repeats the import ban with a pointed message.
// It parses with the TypeScript compiler, so comments and strings never trip it.
//
// Applies to every .ts file under packages/core/src except tests (`*.test.ts`) and the short
// explicit list below.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

/** Files allowed to break the rules, with the reason. Keep it short. */
export const EXCLUDED: Readonly<Record<string, string>> = {
  'packages/core/src/testing/sim-cli.ts':
    'a command line entry point reads process.argv and may seed from the clock',
};

const FORBIDDEN_MODULES: readonly [RegExp, string][] = [
  [
    /^(node:)?(fs|fs\/promises|net|http|https|http2|child_process|dgram|dns|tls|cluster|worker_threads)$/,
    'I/O belongs in an adapter',
  ],
  [/^@aws-sdk\//, 'AWS SDK belongs in adapters-aws'],
  [/^@aws-lambda-powertools\//, 'Lambda tooling belongs in apps/lambda'],
  [/^ioredis$/, 'Redis belongs in adapters-aws'],
  [/^undici$/, 'HTTP belongs in adapters-aws'],
  [
    /^(tsyringe|reflect-metadata|@abraham\/reflection)$/,
    'dependency injection belongs in the composition root (apps/lambda)',
  ],
];

const RANDOM_FUNCTIONS = new Set([
  'randomUUID',
  'randomBytes',
  'randomInt',
  'randomFill',
  'randomFillSync',
  'getRandomValues',
]);

export interface Violation {
  file: string;
  line: number;
  column: number;
  message: string;
}

function listFiles(dir: string): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : listFiles(path);
    return entry.isFile() && /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Is this identifier a reference to a global value (not a property name, key or declaration)? */
function isValueReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
  if (
    (ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) || ts.isPropertySignature(parent)) &&
    parent.name === node
  )
    return false;
  if ((ts.isMethodDeclaration(parent) || ts.isMethodSignature(parent)) && parent.name === node) return false;
  if (ts.isQualifiedName(parent) || ts.isTypeReferenceNode(parent)) return false;
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) return false;
  if (ts.isBindingElement(parent) && parent.propertyName === node) return false;
  return true;
}

function accessName(node: ts.Expression): string | undefined {
  if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
    return `${node.expression.text}.${node.name.text}`;
  }
  return undefined;
}

export function checkSource(file: string, text: string): Violation[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Violation[] = [];
  const report = (node: ts.Node, message: string) => {
    const { line, character } = source.getLineAndCharacterOfPosition(node.getStart(source));
    found.push({ file, line: line + 1, column: character + 1, message });
  };
  const checkModule = (node: ts.Node, specifier: string) => {
    for (const [pattern, why] of FORBIDDEN_MODULES) {
      if (pattern.test(specifier)) report(node, `imports '${specifier}': ${why}`);
    }
  };

  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined
    ) {
      if (ts.isStringLiteral(node.moduleSpecifier)) checkModule(node, node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node)) {
      const [first] = node.arguments;
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if ((isImport || isRequire) && first !== undefined && ts.isStringLiteralLike(first))
        checkModule(node, first.text);
      if (ts.isIdentifier(node.expression) && node.expression.text === 'Date') {
        report(node, 'Date() reads the wall clock: take time from the Clock port');
      }
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg) && ts.isStringLiteral(arg.literal)) checkModule(node, arg.literal.text);
    } else if (
      ts.isNewExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'Date'
    ) {
      report(
        node,
        'new Date(...) reads the wall clock or the process time zone: use epoch ms from the Clock and time.ts',
      );
    } else if (ts.isPropertyAccessExpression(node)) {
      const name = accessName(node);
      if (name === 'Date.now' || name === 'Date.parse')
        report(node, `${name} is not allowed: use the Clock port / time.ts`);
      if (name === 'Math.random') report(node, 'Math.random is not allowed: pass a seeded PRNG in');
      if (name === 'performance.now') report(node, 'performance.now reads a clock: use the Clock port');
      if (RANDOM_FUNCTIONS.has(node.name.text))
        report(node, `${node.name.text} is randomness: pass a seeded PRNG or the id in`);
    } else if (ts.isImportSpecifier(node)) {
      const imported = (node.propertyName ?? node.name).text;
      if (RANDOM_FUNCTIONS.has(imported))
        report(node, `imports ${imported}: randomness, pass a seeded PRNG or the id in`);
    } else if (ts.isIdentifier(node) && node.text === 'process' && isValueReference(node)) {
      report(node, 'process (env, argv, ...) is not allowed: core takes configuration as arguments');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Checks packages/core/src under `root` (the repo, or a fixture tree in tests). */
export function checkCorePurity(root: string): Violation[] {
  const coreSrc = join(root, 'packages/core/src');
  return listFiles(coreSrc)
    .map((path) => ({ path, rel: relative(root, path).split('\\').join('/') }))
    .filter(({ rel }) => !/\.test\.tsx?$/.test(rel) && !(rel in EXCLUDED))
    .flatMap(({ path, rel }) => checkSource(rel, readFileSync(path, 'utf8')));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const violations = checkCorePurity(root);
  for (const v of violations) console.error(`${v.file}:${v.line}:${v.column}  ${v.message}`);
  if (violations.length > 0) {
    console.error(
      `\ncore purity: ${violations.length} violation(s) in packages/core/src (see scripts/check-core-purity.ts)`,
    );
    process.exitCode = 1;
  } else {
    console.log('core purity: ok');
  }
}
