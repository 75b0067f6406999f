// classic.js — racesim's classic workload written as a plain Node client, the peer of bench/peers.sh:
// BUYERS connections (one per buyer, opened at once), one purchase each of qty 1..30 (uniform) on
// one product of STOCK units, strategy for-update (BEGIN; SELECT stock ... FOR UPDATE; check;
// UPDATE; INSERT order; COMMIT; retry a deadlock or lock wait timeout up to 5 times, backoff
// 1..50 ms with full jitter: strategies/stock/for-update.sql's @retry) or atomic (BEGIN; UPDATE ...
// WHERE stock >= qty; INSERT order when it took; COMMIT: strategies/stock/atomic.sql). It makes its
// own tables in DATABASE (dropping them first), checks that sold + left = STOCK, and prints one
// JSON line. Exit 0 when the check holds, 1 when not, 2 on bad usage or an error.
//
// Usage: node classic.js mysql SOCKET_FILE DATABASE for-update|atomic [BUYERS [STOCK]]
//        node classic.js postgres SOCKET_DIR DATABASE for-update|atomic [BUYERS [STOCK]]
'use strict';

const [engine, socket, database, strategy, buyersArg, stockArg] = process.argv.slice(2);
const buyers = Number(buyersArg || 500);
const stock = Number(stockArg || 5000);
if (!['mysql', 'postgres'].includes(engine) || !socket || !database ||
    !['for-update', 'atomic'].includes(strategy) || !(buyers > 0) || !(stock >= 0)) {
  console.error('usage: node classic.js mysql|postgres SOCKET DATABASE for-update|atomic [BUYERS [STOCK]]');
  process.exit(2);
}

// One connection as {query(sql, params) -> {rows, affected}, end()}; ? placeholders on both.
async function connect() {
  if (engine === 'mysql') {
    const mysql = require('mysql2/promise');
    const c = await mysql.createConnection({ socketPath: socket, user: 'root', database });
    return {
      async query(sql, params) {
        const [res] = await c.query(sql, params);
        return Array.isArray(res) ? { rows: res, affected: 0 } : { rows: [], affected: res.affectedRows };
      },
      end: () => c.end(),
    };
  }
  const { Client } = require('pg');
  const c = new Client({ host: socket, user: 'postgres', database });
  await c.connect();
  return {
    async query(sql, params) {
      let i = 0;
      const res = await c.query(sql.replace(/\?/g, () => `$${++i}`), params);
      return { rows: res.rows, affected: res.rowCount };
    },
    end: () => c.end(),
  };
}

// mysql2: errno 1213 deadlock, 1205 lock wait timeout; pg: SQLSTATE 40P01, 55P03.
function retryable(e) {
  return e && (e.errno === 1213 || e.errno === 1205 || e.code === '40P01' || e.code === '55P03');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function purchaseForUpdate(c, user, qty) {
  await c.query('START TRANSACTION');
  const { rows } = await c.query('SELECT stock FROM products WHERE id = ? FOR UPDATE', [1]);
  if (rows.length === 0 || Number(rows[0].stock) < qty) {
    await c.query('ROLLBACK');
    return false;
  }
  await c.query('UPDATE products SET stock = stock - ? WHERE id = ?', [qty, 1]);
  await c.query('INSERT INTO orders (user_id, product_id, qty) VALUES (?, ?, ?)', [user, 1, qty]);
  await c.query('COMMIT');
  return true;
}

async function purchaseAtomic(c, user, qty) {
  await c.query('START TRANSACTION');
  const { affected } = await c.query(
    'UPDATE products SET stock = stock - ? WHERE id = ? AND stock >= ?', [qty, 1, qty]);
  if (affected !== 1) {
    await c.query('ROLLBACK');
    return false;
  }
  await c.query('INSERT INTO orders (user_id, product_id, qty) VALUES (?, ?, ?)', [user, 1, qty]);
  await c.query('COMMIT');
  return true;
}

async function buy(c, user) {
  const qty = 1 + Math.floor(Math.random() * 30);
  const purchase = strategy === 'for-update' ? purchaseForUpdate : purchaseAtomic;
  for (let attempt = 0; ; attempt++) {
    try {
      return (await purchase(c, user, qty)) ? 'ok' : 'out_of_stock';
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      if (!retryable(e) || attempt >= 5) return 'error';
      await sleep(Math.random() * Math.min(50, 1 << attempt));
    }
  }
}

async function main() {
  const admin = await connect();
  const auto = engine === 'mysql' ? 'BIGINT AUTO_INCREMENT PRIMARY KEY' : 'BIGSERIAL PRIMARY KEY';
  await admin.query('DROP TABLE IF EXISTS orders');
  await admin.query('DROP TABLE IF EXISTS products');
  await admin.query('CREATE TABLE products (id INT PRIMARY KEY, stock INT NOT NULL)');
  await admin.query(`CREATE TABLE orders (id ${auto}, user_id INT NOT NULL,
                     product_id INT NOT NULL, qty INT NOT NULL)`);
  await admin.query('CREATE INDEX orders_product ON orders (product_id)');
  await admin.query('INSERT INTO products VALUES (1, ?)', [stock]);

  const conns = await Promise.all(Array.from({ length: buyers }, connect));
  const t0 = process.hrtime.bigint();
  const outcomes = await Promise.all(conns.map((c, i) => buy(c, i + 1)));
  const purchasesS = Number(process.hrtime.bigint() - t0) / 1e9;
  await Promise.all(conns.map((c) => c.end()));

  const left = Number((await admin.query('SELECT stock FROM products WHERE id = 1')).rows[0].stock);
  const sold = Number((await admin.query('SELECT COALESCE(SUM(qty), 0) AS s FROM orders')).rows[0].s);
  await admin.end();
  const count = (k) => outcomes.filter((o) => o === k).length;
  const correct = sold + left === stock && left >= 0;
  console.log(JSON.stringify({ engine, strategy, buyers, stock, sold, left, ok: count('ok'),
    out_of_stock: count('out_of_stock'), errors: count('error'), purchases_wall_s: purchasesS,
    verdict: correct ? 'correct' : 'violated' }));
  process.exit(correct ? 0 : 1);
}

main().catch((e) => { console.error(`classic.js: ${e.message}`); process.exit(2); });
