import { BenchmarkTable } from "./benchmarks.js";
import { BuildTable, resolveBuildId, unknownReference } from "./builds.js";
import type { Database, Queryable } from "./database.js";
import type { BuildRecord } from "./records.js";
import { ExperimentTable, RunTable } from "./runs.js";
import { TagTable } from "./tags.js";

/**
 * The registry: builds, tags, benchmarks and runs. One implementation of the SQL serves every
 * backend; what differs between SQLite and PostgreSQL lives in the `Database` driver.
 */
export interface Registry {
  readonly db: Database;
  readonly builds: BuildTable;
  readonly tags: TagTable;
  readonly benchmarks: BenchmarkTable;
  readonly experiments: ExperimentTable;
  readonly runs: RunTable;
  /** A tag, a full build ID, or a unique prefix of 4+ hex characters. */
  resolve(reference: string): Promise<BuildRecord>;
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export class SqlRegistry implements Registry {
  readonly builds: BuildTable;
  readonly tags: TagTable;
  readonly benchmarks: BenchmarkTable;
  readonly experiments: ExperimentTable;
  readonly runs: RunTable;

  constructor(readonly db: Database) {
    this.builds = new BuildTable(db);
    this.tags = new TagTable(db);
    this.benchmarks = new BenchmarkTable(db);
    this.experiments = new ExperimentTable(db);
    this.runs = new RunTable(db);
  }

  async resolve(reference: string): Promise<BuildRecord> {
    const tag = await this.tags.get(reference);
    const buildId = tag ? tag.buildId : await resolveBuildId(this.builds, reference);
    const build = await this.builds.get(buildId);
    if (!build) throw unknownReference(reference);
    return build;
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
