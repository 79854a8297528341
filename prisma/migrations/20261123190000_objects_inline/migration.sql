-- Keep objects under 8 KB inline and uncompressed. With the default target
-- (~2 KB) a typical admitted pod (~3 KB of JSON: managedFields, the projected
-- service-account volume) was pglz-compressed twice per write, once in objects
-- and once in change_log, which was about a third of a batch insert's time in
-- PostgreSQL; lists then paid the decompression per row. Larger objects are
-- still compressed and moved out of line as before.
ALTER TABLE "objects" SET (toast_tuple_target = 8160);
ALTER TABLE "change_log" SET (toast_tuple_target = 8160);
