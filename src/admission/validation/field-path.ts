// Field paths as apimachinery's field.Path prints them:
// `spec.template.spec.containers[0].ports[1].name`, `metadata.labels[app]`.

export class FieldPath {
  private constructor(private readonly text: string) {}

  static root(name: string, ...more: string[]): FieldPath {
    return new FieldPath([name, ...more].join('.'));
  }

  child(name: string, ...more: string[]): FieldPath {
    const tail = [name, ...more].join('.');
    return new FieldPath(this.text === '' ? tail : `${this.text}.${tail}`);
  }

  index(i: number): FieldPath {
    return new FieldPath(`${this.text}[${i}]`);
  }

  key(k: string): FieldPath {
    return new FieldPath(`${this.text}[${k}]`);
  }

  toString(): string {
    return this.text;
  }
}

export const path = FieldPath.root;
