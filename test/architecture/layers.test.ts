// The layers of src/ (README, Layout): each folder imports only from the
// folders before it in this order, so the domain never depends on the
// netlink codec, commands never on renderers, and only programs/ on the
// process.
import * as fs from 'fs';
import * as path from 'path';

const LAYERS = ['ipvs', 'netlink', 'json', 'messages', 'cli', 'commands', 'render', 'restore', 'realserver', 'programs'];
const SRC = path.resolve(__dirname, '..', '..', 'src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

const layerOf = (file: string) => path.relative(SRC, file).split(path.sep)[0];

test('every folder under src/ is a known layer', () => {
  const folders = fs.readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  expect(folders.sort()).toEqual([...LAYERS].sort());
});

test('each layer imports only from itself and the layers before it', () => {
  const wrong: string[] = [];
  for (const file of sources(SRC)) {
    const from = layerOf(file);
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/(?:from|import|require\()\s*'(\.[^']+)'/g)) {
      const to = layerOf(path.resolve(path.dirname(file), m[1]));
      if (LAYERS.indexOf(to) > LAYERS.indexOf(from)) wrong.push(`${path.relative(SRC, file)} imports ${m[1]} (${to} comes after ${from})`);
    }
  }
  expect(wrong).toEqual([]);
});
