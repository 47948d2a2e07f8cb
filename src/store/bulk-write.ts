import { MongoBulkWriteError, type AnyBulkWriteOperation, type Collection, type Document } from 'mongodb';

/**
 * One unordered bulkWrite whose inserts are "insert, or replace if it is there after all". Callers insert what
 * they believe is new because FerretDB runs an upsert as a query plus a write per document (about 15x slower
 * than a batched insert); an insert that meets a document stored meanwhile (a duplicate _id, e.g. a replayed page)
 * is retried as the replaceOne upsert it would otherwise have been. Any other failure is thrown.
 */
export async function bulkWriteInsertOrReplace<T extends Document & { _id: string }>(collection: Collection<T>, operations: AnyBulkWriteOperation<T>[]): Promise<void> {
  if (operations.length === 0) return;
  try {
    await collection.bulkWrite(operations, { ordered: false });
  } catch (error) {
    if (!(error instanceof MongoBulkWriteError)) throw error;
    const failed = [error.writeErrors].flat().filter(Boolean);
    if (failed.length === 0 || failed.some((writeError) => writeError.code !== 11000)) throw error;
    const retries = failed.map((writeError): AnyBulkWriteOperation<T> => {
      const operation = operations[writeError.index]!;
      if (!('insertOne' in operation)) throw error;
      const { _id, ...replacement } = operation.insertOne.document as T;
      return { replaceOne: { filter: { _id } as never, replacement: replacement as never, upsert: true } };
    });
    await collection.bulkWrite(retries, { ordered: false });
  }
}
