import { fieldYaml, pointerSegments } from './fieldYaml';

describe('fieldYaml', () => {
  it('decodes escaped pointer segments', () => {
    expect(pointerSegments('/metadata/labels/app.kubernetes.io~1name')).toEqual(
      ['metadata', 'labels', 'app.kubernetes.io/name'],
    );
    expect(pointerSegments('/a~0b')).toEqual(['a~b']);
  });

  it('builds only the changed paths, nested as in the object', () => {
    expect(
      fieldYaml([
        { path: '/spec/replicas', desired: 3, live: 5 },
        {
          path: '/metadata/labels/app.kubernetes.io~1name',
          desired: 'web',
          live: 'api',
        },
      ]),
    ).toEqual({
      desired:
        'spec:\n  replicas: 3\nmetadata:\n  labels:\n    app.kubernetes.io/name: web\n',
      live: 'spec:\n  replicas: 5\nmetadata:\n  labels:\n    app.kubernetes.io/name: api\n',
    });
  });

  it('leaves a field out of the side that lacks it', () => {
    expect(
      fieldYaml([{ path: '/metadata/annotations/owner', live: 'ops' }]),
    ).toEqual({
      desired: '',
      live: 'metadata:\n  annotations:\n    owner: ops\n',
    });
  });

  it('shows list items by index, earlier ones elided', () => {
    const { desired } = fieldYaml([
      {
        path: '/spec/template/spec/containers/1/image',
        desired: 'web:1.2',
        live: 'web:1.3',
      },
    ]);
    expect(desired).toBe(
      'spec:\n  template:\n    spec:\n      containers:\n        - …\n        - image: web:1.2\n',
    );
  });

  it('keeps a field named __proto__ a field', () => {
    expect(
      fieldYaml([{ path: '/data/__proto__', desired: 'a', live: 'b' }]).desired,
    ).toBe('data:\n  __proto__: a\n');
  });
});
