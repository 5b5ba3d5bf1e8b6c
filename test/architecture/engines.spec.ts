import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { minVersion, satisfies } from 'semver';

/**
 * The README promises Node.js 20.19+ (package.json `engines`): every package npm installs must accept the oldest
 * such Node, or `npm install` greets a newcomer with EBADENGINE warnings (and the package may rely on a newer Node).
 */
describe('the Node.js versions the dependencies accept', () => {
  const root = join(__dirname, '../..');
  const ours = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<
      string,
      { version?: string; engines?: { node?: string } | string[]; optional?: boolean }
    >;
  };

  it('every package in package-lock.json accepts the oldest Node that package.json allows', () => {
    const oldest = minVersion(ours.engines.node)!.version;
    expect(oldest).toBe('20.19.0');
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, entry]) => {
        const node = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
        return node && !satisfies(oldest, node, { includePrerelease: true })
          ? [`${path.replace(/^.*node_modules\//, '')}@${entry.version}: node ${node}`]
          : [];
      });
    expect(refusing).toEqual([]);
  });
});
