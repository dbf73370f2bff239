// Knowledge-base search at scale: GET /v1/kb/search, anonymous, on 100,000 articles (half English, half Russian).
// Builds a scratch database (migrations, then set-based inserts of generated articles: Zipf-like vocabularies per
// language, Russian words in many inflected forms), starts the built API on it and measures three query sets with a
// fixed number of requests at a small concurrency: common words, rare words, and misspelled words (which match nothing
// and go to the typo-tolerant title search). Target: p95 ≤ 30 ms for the common and the rare set.
// Usage: npm run bench:kb   (DATABASE_URL: a server where a scratch database may be created; KEEP_DB=1 keeps it)
// Knobs: KB_ARTICLES (100000), KB_REQUESTS per set (500), KB_CONCURRENCY (4), KB_WARMUP (50), KB_SEED (1).
import { spawn, spawnSync } from 'node:child_process';
import { Agent, get } from 'node:http';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ARTICLES = Number(process.env.KB_ARTICLES ?? 100_000);
const REQUESTS = Number(process.env.KB_REQUESTS ?? 500);
const CONCURRENCY = Number(process.env.KB_CONCURRENCY ?? 4);
const WARMUP = Number(process.env.KB_WARMUP ?? 50);
const SEED = Number(process.env.KB_SEED ?? 1);
// After the concurrent run, the same requests one at a time: the request's own latency, without queueing on the CPUs.
const ALONE = process.env.KB_ALONE !== '0';
const KEEP = process.env.KEEP_DB === '1';
const TARGET_P95 = 30;
const BATCH = 2_000;
const DB = `tierdesk_bench_kb_${Date.now()}`;
const url = new URL(SERVER);
url.pathname = `/${DB}`;
const DB_URL = url.toString();
// Node's flags for the API: the ones `npm start` and the image run it with (as bench/run.mjs does).
const NODE_FLAGS = ['--max-semi-space-size=32'];

const log = (message) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

async function withClient(connectionString, work) {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function progress(what, done, total, startedAt) {
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(
    `${process.stderr.isTTY ? '\r' : '\n'}  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done.toLocaleString('en')}/${total.toLocaleString('en')} ${what} (${((Date.now() - startedAt) / 1000).toFixed(0)} s)   `,
  );
}

// ---------------------------------------------------------------------------------------------------------------------
// Vocabularies. Core words are listed most frequent first (their Zipf rank), a lemma per entry with its forms separated
// by "|"; an article picks a set of lemmas (by rank) and uses them repeatedly, in any of their forms. Function words fill
// ~35 % of the text (the text search drops most of them). Rare words are planted in a handful of articles each, and a
// long tail of generated product and jargon names gives each language a realistic number of distinct words.

const EN_FUNCTION = `the a an to of and in for on is it you your with this that be can are not from when if or by at as will after before
  how do does what why my we our have has was there then all any some more only also into out about please click need use`.split(/\s+/);
const RU_FUNCTION = `и в не на с что как для по к от из при после у же или это то так все если уже а но до о об нет его их вы мы я вам вас
  ваш вашего можно нужно через пожалуйста нажмите чтобы только также`.split(/\s+/);

const EN_CORE = `error|errors account|accounts password|passwords login|logins|logging user|users settings|setting email|emails
  access|accessing update|updates|updated|updating payment|payments invoice|invoices report|reports|reporting data page|pages
  file|files app|apps team|teams order|orders message|messages problem|problems change|changes|changed|changing billing
  subscription|subscriptions integration|integrations connection|connections|connect|connected export|exports|exported|exporting
  import|imports|imported|importing sync|syncing|synced notification|notifications dashboard|dashboards project|projects
  browser|browsers mobile device|devices server|servers network|networks printer|printers|printing document|documents
  permission|permissions role|roles admin|admins|administrator customer|customers ticket|tickets profile|profiles security
  token|tokens api key|keys plan|plans trial|trials card|cards refund|refunds|refunded charge|charges|charged price|prices|pricing
  tax|taxes address|addresses phone|phones calendar|calendars meeting|meetings schedule|schedules|scheduled task|tasks
  workflow|workflows template|templates field|fields form|forms filter|filters|filtering search|searching list|lists
  table|tables chart|charts widget|widgets link|links button|buttons screen|screens window|windows menu|menus tab|tabs
  option|options feature|features version|versions release|releases install|installation|installed|installing
  download|downloads|downloaded upload|uploads|uploaded|uploading backup|backups restore|restored|restoring
  delete|deleted|deleting|deletion remove|removed|removing create|created|creating edit|edited|editing save|saved|saving
  share|shared|sharing invite|invited|invitation|invitations reset|resetting verify|verified|verification
  confirm|confirmed|confirmation enable|enabled|enabling disable|disabled|disabling configure|configured|configuration
  customize|customized manage|managed|managing|management assign|assigned|assignment approve|approved|approval
  cancel|cancelled|cancellation renew|renewal|renewed upgrade|upgraded|upgrading downgrade|downgraded migrate|migration|migrated
  timeout|timeouts limit|limits quota|quotas storage space memory performance slow|slowly fast|faster crash|crashes|crashed
  freeze|freezes|frozen load|loading|loaded open|opening|opened close|closed|closing start|started|starting stop|stopped
  run|running fail|failed|failing|failure work|works|working fix|fixed|fixing issue|issues bug|bugs warning|warnings log|logs
  history activity|activities event|events session|sessions cookie|cookies cache|cached certificate|certificates domain|domains
  proxy firewall vpn wifi bluetooth battery camera microphone audio video|videos image|images photo|photos
  attachment|attachments folder|folders archive|archives|archived language|languages translation|translations region|regions
  time|times zone|zones date|dates currency|currencies format|formats|formatting column|columns row|rows sheet|sheets
  spreadsheet|spreadsheets database|databases query|queries script|scripts code|codes step|steps guide|guides
  tutorial|tutorials instruction|instructions troubleshooting support help contact|contacts request|requests
  response|responses status pending active inactive expired|expiration locked|unlock blocked suspended duplicate|duplicates
  missing wrong incorrect invalid empty blank new old default custom automatic|automatically manual|manually daily weekly
  monthly annual free paid premium business enterprise personal public private internal external secure authentication
  authorization sign|signing|signed signup logout username|usernames organization|organizations workspace|workspaces
  member|members group|groups department|departments manager|managers agent|agents contract|contracts receipt|receipts
  discount|discounts coupon|coupons shipping delivery|deliveries product|products stock warehouse|warehouses
  return|returns|returned exchange checkout cart|carts store|stores inventory catalog|catalogs category|categories
  label|labels tag|tags comment|comments note|notes reply|replies|replied forward|forwarded inbox spam folder
  signature|signatures domain setup|setting integration keyboard|keyboards shortcut|shortcuts mouse display|displays
  monitor|monitors resolution driver|drivers printer cable|cables router|routers port|ports plugin|plugins|extension|extensions
  theme|themes dark light mode|modes layout|layouts font|fonts color|colors logo|logos banner|banners preview|previews
  editor|editors draft|drafts publish|published|publishing comment approval reminder|reminders alert|alerts threshold|thresholds
  metric|metrics analytics statistics trend|trends goal|goals survey|surveys rating|ratings feedback score|scores
  onboarding training webinar|webinars certificate license|licenses|licensing seat|seats owner|owners transfer|transferred
  merge|merged|merging split conflict|conflicts version rollback|rolled recovery recover|recovered`.split(/\s+/);

const RU_CORE =
  `ошибка|ошибки|ошибку|ошибкой|ошибок|ошибке|ошибками вход|входа|входе|входом|входу пароль|пароля|паролем|пароле|пароли|паролей
  аккаунт|аккаунта|аккаунте|аккаунтом|аккаунты|аккаунтов пользователь|пользователя|пользователей|пользователем|пользователи|пользователю
  настройка|настройки|настройку|настройкой|настроек|настройках|настройкам оплата|оплаты|оплату|оплатой|оплате
  платёж|платежа|платежи|платежей|платежом заказ|заказа|заказы|заказов|заказом|заказе доступ|доступа|доступом|доступе|доступу
  приложение|приложения|приложении|приложением|приложений страница|страницы|страницу|странице|страниц файл|файла|файлы|файлов|файлом|файле
  отчёт|отчёта|отчёты|отчётов|отчётом|отчёте письмо|письма|писем|письмом|письме почта|почты|почту|почтой|почте
  уведомление|уведомления|уведомлений|уведомлением|уведомлениями обновление|обновления|обновлений|обновлением|обновлении
  подписка|подписки|подписку|подпиской|подписок интеграция|интеграции|интеграцию|интеграцией|интеграций
  подключение|подключения|подключению|подключением синхронизация|синхронизации|синхронизацию|синхронизацией
  выгрузка|выгрузки|выгрузку|выгрузкой загрузка|загрузки|загрузку|загрузкой|загрузок принтер|принтера|принтеры|принтером|принтере
  документ|документа|документы|документов|документом счёт|счёта|счета|счётом|счёте|счетов права|прав|правами|правах роль|роли|ролью|ролей
  администратор|администратора|администраторы|администратором клиент|клиента|клиенты|клиентов|клиентом
  заявка|заявки|заявку|заявкой|заявок профиль|профиля|профилем|профиле безопасность|безопасности|безопасностью
  токен|токена|токены|токеном ключ|ключа|ключи|ключей|ключом тариф|тарифа|тарифы|тарифом|тарифе карта|карты|карту|картой|карт
  возврат|возврата|возвратом|возврате списание|списания|списаний|списанием сумма|суммы|сумму|суммой адрес|адреса|адресом|адресе|адресов
  телефон|телефона|телефоном|телефоне календарь|календаря|календарём|календаре встреча|встречи|встречу|встречей|встреч
  задача|задачи|задачу|задачей|задач шаблон|шаблона|шаблоны|шаблоном|шаблонов поле|поля|полей|полем форма|формы|форму|формой
  фильтр|фильтра|фильтры|фильтром|фильтров поиск|поиска|поиске|поиском список|списка|списке|списком|списки
  таблица|таблицы|таблицу|таблице|таблиц график|графика|графики|графиком ссылка|ссылки|ссылку|ссылкой|ссылок
  кнопка|кнопки|кнопку|кнопкой|кнопок экран|экрана|экране|экраном окно|окна|окне|окном|окон меню вкладка|вкладки|вкладку|вкладке
  функция|функции|функцию|функцией|функций версия|версии|версию|версией|версий установка|установки|установку|установкой
  копия|копии|копию|копией|копий удаление|удаления|удалением|удалении создание|создания|созданием|созданию
  изменение|изменения|изменений|изменением сохранение|сохранения|сохранением|сохранении приглашение|приглашения|приглашением|приглашений
  сброс|сброса|сбросом|сбросе проверка|проверки|проверку|проверкой подтверждение|подтверждения|подтверждением
  отмена|отмены|отмену|отменой продление|продления|продлением лимит|лимита|лимиты|лимитом|лимитов хранилище|хранилища|хранилищем
  память|памяти|памятью скорость|скорости|скоростью сбой|сбоя|сбои|сбоев|сбоем сервер|сервера|серверы|сервером|сервере|серверов
  сеть|сети|сетью|сетей устройство|устройства|устройстве|устройством|устройств браузер|браузера|браузере|браузером|браузеры
  сайт|сайта|сайте|сайтом проблема|проблемы|проблему|проблемой|проблем сообщение|сообщения|сообщений|сообщением|сообщении
  команда|команды|команду|командой проект|проекта|проекты|проектов|проектом|проекте панель|панели|панелью
  журнал|журнала|журнале|журналом история|истории|историю|историей событие|события|событий|событием
  сессия|сессии|сессию|сессией сертификат|сертификата|сертификаты|сертификатом домен|домена|домене|доменом
  камера|камеры|камеру|камерой звук|звука|звуком видео изображение|изображения|изображений вложение|вложения|вложений|вложением
  папка|папки|папку|папке|папок архив|архива|архиве|архивом язык|языка|языке|языком|языки перевод|перевода|переводом|переводе
  время|времени|временем дата|даты|дату|датой валюта|валюты|валюту|валютой формат|формата|форматы|форматом
  столбец|столбца|столбцы|столбцов строка|строки|строку|строкой|строк база|базы|базу|базой|базе
  запрос|запроса|запросы|запросов|запросом код|кода|коды|кодом шаг|шага|шаги|шагов инструкция|инструкции|инструкцию|инструкцией
  поддержка|поддержки|поддержку|поддержкой помощь|помощи|помощью статус|статуса|статусом компания|компании|компанию|компанией
  сотрудник|сотрудника|сотрудники|сотрудников менеджер|менеджера|менеджером договор|договора|договором|договоре
  акт|акта|акты|актов налог|налога|налоги|налогов цена|цены|цену|ценой|цен скидка|скидки|скидку|скидкой|скидок
  доставка|доставки|доставку|доставкой товар|товара|товары|товаров|товаром склад|склада|складе|складом
  кабинет|кабинета|кабинете|кабинетом личный|личного|личном|личным новый|нового|новом|новым|новые|новых
  старый|старого|старом|старые неверный|неверного|неверным|неверные пустой|пустого|пустым|пустые
  медленно быстро автоматически вручную ежедневно
  работать|работает|работают|работал|работало открыть|открывается|открыл|открывать сохранить|сохраняется|сохранил|сохранять
  изменить|изменил|изменяется|изменять удалить|удалил|удаляется|удалять создать|создал|создаётся|создавать
  настроить|настроил|настраивать подключить|подключил|подключается загрузить|загружается|загрузил выгрузить|выгружается|выгрузил
  отправить|отправляется|отправил|отправлять получить|получил|получаю|получать обновить|обновил|обновляется
  сбросить|сбросил|сбрасывается восстановить|восстановил|восстановление|восстановления проверить|проверил|проверяется
  отображаться|отображается|отображаются|отображение печать|печати|печатью|печатает зависает|зависать|зависло|зависание
  приходит|приходят|приходить|пришло войти|войду|вошёл выйти|выход|выхода|выходе организация|организации|организацию|организацией
  участник|участника|участники|участников группа|группы|группу|группой|групп отдел|отдела|отделе|отделом
  агент|агента|агенты|агентов квитанция|квитанции|квитанцию купон|купона|купоны|промокод|промокода корзина|корзины|корзину|корзине
  магазин|магазина|магазине|магазином каталог|каталога|каталоге|каталогом категория|категории|категорию|категорий
  метка|метки|меткой|меток комментарий|комментария|комментарии|комментариев заметка|заметки|заметку|заметок
  ответ|ответа|ответы|ответом|ответов пересылка|пересылки|переслать входящие спам|спама подпись|подписи|подписью
  клавиатура|клавиатуры|клавиатурой сочетание|сочетания|клавиш мышь|мыши монитор|монитора|мониторе разрешение|разрешения|разрешением
  драйвер|драйвера|драйверы|драйверов кабель|кабеля|кабелем роутер|роутера|роутере порт|порта|порты|портов
  расширение|расширения|расширений тема|темы|тему|темой тёмная|тёмной|тёмную режим|режима|режиме|режимом шрифт|шрифта|шрифты
  логотип|логотипа|логотипом предпросмотр|предпросмотра редактор|редактора|редакторе черновик|черновика|черновики|черновиков
  публикация|публикации|опубликовать|опубликован напоминание|напоминания|напоминаний оповещение|оповещения|оповещений
  порог|порога|порогом метрика|метрики|метрик аналитика|аналитики|аналитику статистика|статистики|статистику
  опрос|опроса|опросы оценка|оценки|оценку|оценкой отзыв|отзыва|отзывы|отзывов обучение|обучения|обучением
  вебинар|вебинара|вебинары лицензия|лицензии|лицензию|лицензий место|места|мест владелец|владельца|владельцем
  перенос|переноса|перенести объединение|объединения|объединить конфликт|конфликта|конфликты откат|отката восстановить`.split(/\s+/);

// Each planted in 2–12 articles of its language (a few in their title): the "rare" query set searches for these.
const EN_RARE = `kerberos ldap saml okta webhook|webhooks dkim dmarc xero quickbooks shopify zapier sftp jira salesforce hubspot
  mailchimp postscript toner|toners duplex proxmox kubernetes terraform grafana sentry openid scim yubikey|yubikeys passkey|passkeys
  iframe|iframes websocket|websockets gdpr hipaa iban sepa fedex pagerduty zendesk`.split(/\s+/);
const RU_RARE = `керберос вебхук|вебхука|вебхуки|вебхуков брандмауэр|брандмауэра|брандмауэре маршрутизатор|маршрутизатора|маршрутизаторе
  тонер|тонера|тонером картридж|картриджа|картриджи|картриджей дуплекс|дуплекса криптопро диадок|диадоке сбис госуслуги|госуслуг
  маркетплейс|маркетплейса|маркетплейсе битрикс|битрикса фискальный|фискального|фискальным накладная|накладной|накладную
  эцп кэширование|кэширования|кэшированием сканер|сканера|сканером мерчант|мерчанта эквайринг|эквайринга|эквайрингом
  чарджбэк|чарджбэка|чарджбэки прокси|проксирование аутентификатор|аутентификатора|аутентификатором`.split(/\s+/);

const lemmas = (list) => list.map((entry) => entry.split('|'));

// Queries. Russian queries use forms the generator never writes (they are taken out of its lemmas below), so they match
// by stemming only: "ошибки входа" finds articles that say "ошибка", "ошибкой", "входе"…
const COMMON = {
  en: [
    'error',
    'password',
    'account',
    'login',
    'settings',
    'login error',
    'reset password',
    'payment failed',
    'export report',
    'user access',
  ],
  ru: ['ошибки входа', 'ошибками', 'паролей', 'аккаунтом', 'настройках', 'оплатой', 'сброс паролей', 'пользователю', 'заказов', 'доступу'],
};
const RARE_QUERIES = {
  en: ['kerberos', 'saml', 'webhooks', 'dkim', 'quickbooks', 'terraform', 'yubikey', 'passkeys', 'pagerduty', 'iban'],
  ru: [
    'керберосом',
    'вебхуками',
    'брандмауэром',
    'маршрутизаторы',
    'картриджем',
    'криптопро',
    'диадоком',
    'маркетплейсов',
    'эквайрингу',
    'чарджбэком',
  ],
};
// Misspelt words that match no article's words: the search falls back to titles by trigram similarity.
const TYPOS = {
  en: ['pasword', 'acount', 'invocie', 'notifcation', 'integraton', 'subscripton', 'dashbord', 'pritner', 'setings', 'eror'],
  ru: ['ошибак', 'пороль', 'акаунт', 'уведамление', 'интиграция', 'падписка', 'синхранизация', 'принтир', 'настроика', 'пользыватель'],
};

// ---------------------------------------------------------------------------------------------------------------------
// Deterministic randomness: every run with the same KB_SEED and KB_ARTICLES seeds the same texts.

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(SEED);
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (items) => items[Math.floor(rand() * items.length)];

/** Sampling by rank with weight (rank + offset)^-s: cumulative table and binary search. */
function zipf(n, s, offset = 0) {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let r = 0; r < n; r++) cumulative[r] = total += (r + 1 + offset) ** -s;
  return () => {
    const x = rand() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** Product, jargon and feature names: pronounceable, unlike any real word of the vocabularies. */
function tailWords(count, onsets, vowels, codas, endings, taken) {
  const words = new Set();
  while (words.size < count) {
    let word = '';
    for (let s = int(2, 3); s > 0; s--) word += pick(onsets) + pick(vowels) + (rand() < 0.35 ? pick(codas) : '');
    word += pick(endings);
    if (!taken.has(word)) words.add(word);
  }
  return [...words];
}

/** One language's generator: every distinct word an article may use, and how often. */
function language(locale) {
  const en = locale === 'en';
  const queryForms = new Set([...COMMON[locale], ...RARE_QUERIES[locale]].flatMap((q) => q.split(' ')));
  // Each form belongs to one lemma (the first listing it); the forms the queries use are left out when others remain.
  const seen = new Set();
  const strip = (list) =>
    lemmas(list)
      .map((forms) => forms.filter((f) => !seen.has(f)))
      .filter((forms) => forms.length > 0)
      .map((forms) => {
        forms.forEach((f) => seen.add(f));
        const left = forms.filter((f) => !queryForms.has(f));
        return left.length > 0 ? left : forms;
      });
  const core = strip(en ? EN_CORE : RU_CORE);
  const rare = strip(en ? EN_RARE : RU_RARE);
  const taken = new Set([...core.flat(), ...rare.flat(), ...TYPOS[locale]]);
  const tail = en
    ? tailWords(
        25_000,
        'b c d f g k l m n p r s t v z br cl dr gr pl st tr qu sn'.split(' '),
        'a e i o u ai ea io y'.split(' '),
        'n r x l s t m ck'.split(' '),
        ['', '', 'ex', 'ix', 'on', 'ly', 'io', 'er'],
        taken,
      )
    : tailWords(
        25_000,
        'б в г д ж з к л м н п р с т ф х ч ш бр гр кр пр ст тр'.split(' '),
        'а е и о у я ю'.split(' '),
        'н р л с т м к'.split(' '),
        ['', 'ов', 'ин', 'ка', 'ник', 'ость', 'ер', 'ан', 'ия'],
        taken,
      );
  return {
    locale,
    function: en ? EN_FUNCTION : RU_FUNCTION,
    core,
    rare,
    tail,
    // Which lemmas an article is about: flat at the top (the most common in ~30 % of articles), ~3 % at the bottom.
    coreRank: zipf(core.length, 0.4),
    // The tail: the most common in ~1 % of articles, the last few thousand in one or two each.
    tailRank: zipf(tail.length, 1.0, 50),
    functionRank: zipf((en ? EN_FUNCTION : RU_FUNCTION).length, 0.9),
  };
}

const LANGUAGES = { en: language('en'), ru: language('ru') };

// ---------------------------------------------------------------------------------------------------------------------
// Articles.

const TRANSLIT = Object.fromEntries(
  'а:a б:b в:v г:g д:d е:e ё:e ж:zh з:z и:i й:y к:k л:l м:m н:n о:o п:p р:r с:s т:t у:u ф:f х:kh ц:ts ч:ch ш:sh щ:shch ъ: ы:y ь: э:e ю:yu я:ya'
    .split(' ')
    .map((pair) => pair.split(':')),
);
const slugOf = (title, n) =>
  `${[...title.toLowerCase()]
    .map((c) => TRANSLIT[c] ?? c)
    .join('')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80)
    .replace(/-$/, '')}-${n.toString(36)}`;
const capitalize = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/** Which articles carry which rare word: each rare lemma in 2–12 articles of its language. */
function plantRare(locales) {
  const planted = new Map();
  for (const locale of ['en', 'ru']) {
    const indexes = [];
    locales.forEach((l, i) => l === locale && indexes.push(i));
    for (const forms of LANGUAGES[locale].rare)
      for (let n = int(2, 12); n > 0; n--) {
        const i = pick(indexes);
        if (!planted.has(i)) planted.set(i, []);
        planted.get(i).push(forms);
      }
  }
  return planted;
}

/** Text of `length` words about the article's lemmas (earlier ones more often), in sentences and paragraphs. */
function text(lang, chosen, length, extra) {
  const words = [];
  const repeat = zipfWithin(chosen.length);
  const inserts = new Map(extra.map((w) => [int(0, length - 1), w]));
  let sentence = 0;
  let sentenceLength = int(7, 16);
  for (let i = 0; i < length; i++) {
    let word;
    if (inserts.has(i)) word = inserts.get(i);
    else {
      const roll = rand();
      if (roll < 0.36) word = lang.function[lang.functionRank()];
      else if (roll < 0.39) word = lang.tail[lang.tailRank()];
      else word = pick(chosen[repeat()]);
    }
    if (sentence === 0) word = capitalize(word);
    sentence++;
    if (sentence >= sentenceLength || i === length - 1) {
      word += rand() < 0.1 ? '?' : '.';
      if (rand() < 0.2 && i < length - 1) word += '\n\n';
      sentence = 0;
      sentenceLength = int(7, 16);
    }
    words.push(word);
  }
  return words.join(' ').replace(/\n\n /g, '\n\n');
}
const withinCache = new Map();
function zipfWithin(n) {
  if (!withinCache.has(n)) withinCache.set(n, zipf(n, 0.8));
  return withinCache.get(n);
}

/** One article: its language, the lemmas it is about (by rank, without repeats), title, body, and the rest. */
function article(n, locale, planted, categories, now) {
  const lang = LANGUAGES[locale];
  const length = 60 + Math.floor(190 * rand() ** 1.6);
  const k = Math.max(5, Math.round((length / 10) * (0.8 + 0.4 * rand())));
  const ranks = new Set();
  while (ranks.size < k) ranks.add(lang.coreRank());
  const chosen = [...ranks].map((r) => lang.core[r]);
  const rare = (planted.get(n) ?? []).map((forms) => pick(forms));
  // The title: the article's main lemmas, joined by function words; now and then a rare word or a product name.
  const titleWords = [];
  const titleLength = int(4, 10);
  const main = chosen.slice(0, Math.min(chosen.length, 4));
  for (let i = 0; i < titleLength; i++) {
    if (i > 0 && rand() < 0.3) titleWords.push(lang.function[lang.functionRank()]);
    else if (rand() < 0.05) titleWords.push(lang.tail[lang.tailRank()]);
    else titleWords.push(pick(main[Math.floor(rand() ** 1.5 * main.length)]));
  }
  if (rare.length && rand() < 0.3) titleWords[int(0, titleWords.length - 1)] = rare[0];
  const title = capitalize(titleWords.join(' '));
  const kindRoll = rand();
  const kind = kindRoll < 0.72 ? 'article' : kindRoll < 0.86 ? 'faq' : kindRoll < 0.95 ? 'guide' : 'video';
  const id = randomUUID();
  const createdAt = new Date(now - rand() * 730 * 86_400_000);
  const published = rand() < 0.9;
  const views = published ? Math.floor(20_000 * rand() ** 6) : 0;
  return {
    id,
    slug: slugOf(title, n),
    title,
    body: text(lang, chosen, length, rare),
    kind,
    videoUrl: kind === 'video' ? `https://videos.example.com/kb/${id}` : null,
    transcript: kind === 'video' ? text(lang, chosen, int(80, 200), []) : '',
    categoryId: rand() < 0.9 ? pick(categories) : null,
    locale,
    status: published ? 'published' : 'draft',
    tags: `{${[...new Set(chosen.slice(0, int(0, 3)).map((forms) => forms[0]))].join(',')}}`,
    publishedAt: published ? new Date(createdAt.getTime() + rand() * 3 * 86_400_000) : null,
    views,
    helpfulCount: Math.floor(views * 0.05 * rand()),
    notHelpfulCount: Math.floor(views * 0.02 * rand()),
    deflections: Math.floor(views * 0.1 * rand()),
    createdAt,
    updatedAt: new Date(Math.min(now, createdAt.getTime() + rand() * 60 * 86_400_000)),
  };
}

const COLUMNS = [
  ['id', 'uuid'],
  ['slug', 'text'],
  ['title', 'text'],
  ['body', 'text'],
  ['kind', 'kb_article_kind'],
  ['videoUrl', 'text'],
  ['transcript', 'text'],
  ['categoryId', 'uuid'],
  ['locale', 'text'],
  ['status', 'kb_article_status'],
  ['tags', 'text'], // an array literal each: unnest() flattens arrays of arrays
  ['publishedAt', 'timestamptz'],
  ['views', 'int'],
  ['helpfulCount', 'int'],
  ['notHelpfulCount', 'int'],
  ['deflections', 'int'],
  ['createdAt', 'timestamptz'],
  ['updatedAt', 'timestamptz'],
];
const INSERT = `INSERT INTO kb_article (${COLUMNS.map(([c]) => `"${c}"`).join(', ')}, "authorId", version)
  SELECT ${COLUMNS.map(([c]) => (c === 'tags' ? `"${c}"::text[]` : `"${c}"`)).join(', ')}, $${COLUMNS.length + 1}::uuid, 1
  FROM unnest(${COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')}) AS t(${COLUMNS.map(([c]) => `"${c}"`).join(', ')})`;

async function seed() {
  const started = Date.now();
  const stats = {};
  const admin = await withClient(DB_URL, async (c) => {
    const {
      rows: [user],
    } = await c.query(
      `INSERT INTO user_account (id, "externalId", kind, role, "roleSource", email, name, version)
       VALUES ($1, 'bench-kb-admin', 'person', 'admin', 'admin', 'kb-admin@example.com', 'KB Admin', 1) RETURNING id`,
      [randomUUID()],
    );
    // Four top-level categories with three under each.
    const top = [];
    for (let i = 0; i < 4; i++) {
      const id = randomUUID();
      top.push(id);
      await c.query(`INSERT INTO kb_category (id, name, position, version) VALUES ($1, $2, $3, 1)`, [id, `Section ${i + 1}`, i]);
    }
    const categories = [...top];
    for (const [i, parent] of top.entries())
      for (let j = 0; j < 3; j++) {
        const id = randomUUID();
        categories.push(id);
        await c.query(`INSERT INTO kb_category (id, name, "parentId", position, version) VALUES ($1, $2, $3, $4, 1)`, [
          id,
          `Topic ${i + 1}.${j + 1}`,
          parent,
          j,
        ]);
      }
    // Secondary indexes are dropped for the load and built once at the end (as bench/seed.mjs does): far faster than
    // maintaining three GIN indexes row by row.
    const { rows: indexes } = await c.query(`SELECT indexname, indexdef FROM pg_indexes
      WHERE tablename = 'kb_article' AND indexname NOT IN (SELECT conname FROM pg_constraint)`);
    for (const { indexname } of indexes) await c.query(`DROP INDEX "${indexname}"`);
    return { id: user.id, categories, indexes };
  });

  // Two loaders, each on its own connection: the generated tsvector columns are computed on insert, which is the bulk
  // of the work, and the generator in this process runs while the server computes.
  const locales = Array.from({ length: ARTICLES }, () => (rand() < 0.5 ? 'en' : 'ru'));
  const planted = plantRare(locales);
  const now = Date.now();
  const loaders = await Promise.all(
    [0, 1].map(async () => {
      const c = new pg.Client({ connectionString: DB_URL });
      await c.connect();
      await c.query(`SET synchronous_commit = off`);
      return c;
    }),
  );
  let next = 0;
  let done = 0;
  const loadStarted = Date.now();
  try {
    await Promise.all(
      loaders.map(async (c) => {
        while (next < ARTICLES) {
          const from = next;
          const to = Math.min(ARTICLES, from + BATCH);
          next = to;
          const columns = COLUMNS.map(() => []);
          for (let n = from; n < to; n++) {
            const a = article(n, locales[n], planted, admin.categories, now);
            COLUMNS.forEach(([name], i) => columns[i].push(a[name]));
          }
          await c.query(INSERT, [...columns, admin.id]);
          done += to - from;
          progress('articles', done, ARTICLES, loadStarted);
        }
      }),
    );
  } finally {
    await Promise.all(loaders.map((c) => c.end()));
  }
  process.stderr.write('\n');
  stats.loadSeconds = (Date.now() - loadStarted) / 1000;
  log(`loaded in ${stats.loadSeconds.toFixed(1)} s; building ${admin.indexes.length} indexes`);
  const indexStarted = Date.now();
  // Two at a time (the GIN ones are the slow part), then statistics.
  const queue = [...admin.indexes].sort((a, b) => Number(b.indexdef.includes('gin')) - Number(a.indexdef.includes('gin')));
  await Promise.all(
    [0, 1].map(() =>
      withClient(DB_URL, async (c) => {
        await c.query(`SET maintenance_work_mem = '512MB'`);
        for (let index = queue.shift(); index; index = queue.shift()) await c.query(index.indexdef);
      }),
    ),
  );
  stats.indexSeconds = (Date.now() - indexStarted) / 1000;
  await withClient(DB_URL, async (c) => {
    await c.query('VACUUM (ANALYZE) kb_article');
    const {
      rows: [row],
    } = await c.query(`SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'published')::int AS published,
        count(*) FILTER (WHERE locale = 'en')::int AS en, count(*) FILTER (WHERE locale = 'ru')::int AS ru,
        round(avg(array_length(regexp_split_to_array(body, '\\s+'), 1)))::int AS "avgBodyWords",
        pg_size_pretty(pg_total_relation_size('kb_article')) AS "tableSize",
        pg_size_pretty(pg_relation_size('ix_kb_article_search')) AS "searchIndexSize" FROM kb_article`);
    Object.assign(stats, row);
  });
  stats.seedSeconds = (Date.now() - started) / 1000;
  return stats;
}

// ---------------------------------------------------------------------------------------------------------------------
// The API and the measurements.

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function startApi(port) {
  return spawn(process.execPath, [...NODE_FLAGS, 'dist/src/main.js'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: DB_URL,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
      // One anonymous caller at hundreds of requests a second: the limiter still runs, it just never refuses.
      RATE_LIMIT_PER_MINUTE: '1000000',
      MIGRATIONS_RUN: 'false',
      REDIS_URL: '',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function ready(port, child) {
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`the API exited with code ${child.exitCode}`);
    if ((await fetch(`http://127.0.0.1:${port}/ready`).catch(() => null))?.ok) return;
    await sleep(250);
  }
  throw new Error('the API did not become ready');
}

async function stop(child) {
  if (!child || child.exitCode !== null) return;
  child.kill('SIGTERM');
  await Promise.race([new Promise((r) => child.once('exit', r)), sleep(15_000).then(() => child.kill('SIGKILL'))]);
}

const searchPath = ({ q, locale }) => `/v1/kb/search?q=${encodeURIComponent(q)}&locale=${locale}`;

// node:http on kept-alive sockets, one per concurrent request: it costs the shared CPUs a fraction of what fetch does.
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
function request(port, path) {
  return new Promise((resolve) => {
    get({ host: '127.0.0.1', port, path, agent }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, body: Buffer.concat(chunks) }));
      response.on('error', () => resolve({ status: -1 }));
    }).on('error', () => resolve({ status: -1 }));
  });
}

/** `total` requests, `concurrency` at a time, the queries taken in turn; the latency of each, client side. */
async function drive(port, queries, total, concurrency) {
  const samples = [];
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < total) {
        const query = queries[issued++ % queries.length];
        const t0 = performance.now();
        const { status } = await request(port, searchPath(query));
        samples.push({ query, ms: performance.now() - t0, status });
      }
    }),
  );
  return { samples, seconds: (performance.now() - started) / 1000 };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
function summarize(samples, seconds) {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    requests: ms.length,
    failed: samples.filter((s) => s.status !== 200).length,
    rps: ms.length / seconds,
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
    p99: percentile(ms, 99),
    max: ms.at(-1),
    mean: ms.reduce((a, b) => a + b, 0) / ms.length,
  };
}

/** Per query: one request for its first page (hits, whether there is a next page) and how many articles it matches. */
async function describe(port, db, queries) {
  const out = [];
  for (const query of queries) {
    const response = await request(port, searchPath(query));
    const body = response.status === 200 ? JSON.parse(response.body.toString('utf8')) : {};
    const config = query.locale === 'ru' ? 'russian' : 'english';
    const {
      rows: [{ matches, tsquery }],
    } = await db.query(
      `SELECT count(*)::int AS matches, websearch_to_tsquery('${config}', $1)::text AS tsquery FROM kb_article
       WHERE status = 'published' AND locale = $2 AND search @@ websearch_to_tsquery('${config}', $1)`,
      [query.q, query.locale],
    );
    out.push({
      ...query,
      tsquery,
      matches,
      status: response.status,
      firstPageHits: Array.isArray(body.data) ? body.data.length : null,
      morePages: Boolean(body.nextCursor),
      top: body.data?.[0]?.title ?? null,
    });
  }
  return out;
}

// The API, PostgreSQL and this client share the machine's CPUs, and so does anything else running (a test suite, a
// build): its CPU time during a measurement is reported, and the set flagged, since it inflates the latencies.
const TICKS = 100; // USER_HZ, 100 on Linux
function cpuTicks() {
  const ticks = new Map();
  try {
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        ticks.set(Number(pid), Number(fields[11]) + Number(fields[12])); // utime + stime
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    return null; // no /proc: not Linux
  }
  return ticks;
}

/**
 * Where the CPU time went between two snapshots, for `requests` requests: the API's, PostgreSQL's (the backends of the
 * bench database) and this client's, in ms a request; and the share of all CPUs other processes used meanwhile.
 */
async function cpuSplit(before, seconds, requests, db) {
  const after = cpuTicks();
  if (!before || !after) return null;
  const { rows } = await db.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`);
  const delta = (pid) => (after.get(pid) ?? 0) - (before.get(pid) ?? 0);
  const perRequest = (ticks) => (ticks / TICKS / requests) * 1000;
  const backends = rows.reduce((sum, r) => sum + delta(r.pid), 0);
  const ours = new Set([process.pid, api.pid, ...rows.map((r) => r.pid)]);
  let foreign = 0;
  for (const pid of after.keys()) if (!ours.has(pid)) foreign += delta(pid);
  return {
    apiMs: perRequest(delta(api.pid)),
    postgresMs: perRequest(backends),
    clientMs: perRequest(delta(process.pid)),
    foreignShare: foreign / TICKS / seconds / cpus().length,
  };
}

const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const both = (sets) => ['en', 'ru'].flatMap((locale) => sets[locale].map((q) => ({ q, locale })));
const SETS = [
  { name: 'common', title: 'common words (1–2 words, en + ru)', queries: both(COMMON), target: TARGET_P95 },
  { name: 'rare', title: 'rare words (a handful of articles)', queries: both(RARE_QUERIES), target: TARGET_P95 },
  { name: 'typo', title: 'misspelt words (trigram fallback)', queries: both(TYPOS), target: null },
];

let api = null;
let cleaning = null;
async function cleanup() {
  cleaning ??= (async () => {
    agent.destroy();
    await stop(api);
    if (KEEP) log(`kept database ${DB}: ${DB_URL}`);
    else
      await withClient(SERVER, (c) => c.query(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`)).catch((e) =>
        log(`drop failed: ${e.message}`),
      );
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM'])
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });

await withClient(SERVER, (c) => c.query(`CREATE DATABASE "${DB}"`));
try {
  log(`database ${DB}: migrating`);
  const migrate = spawnSync(process.execPath, ['dist/scripts/migrate.js', 'run'], {
    env: { ...process.env, DATABASE_URL: DB_URL, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (migrate.status !== 0) throw new Error('migrations failed on the bench database');
  log(`seeding ${ARTICLES.toLocaleString('en')} articles`);
  const seedStats = await seed();
  log(
    `seeded ${seedStats.total.toLocaleString('en')} articles (${seedStats.published.toLocaleString('en')} published; en ${seedStats.en.toLocaleString('en')}, ru ${seedStats.ru.toLocaleString('en')}) in ${seedStats.seedSeconds.toFixed(1)} s (insert ${seedStats.loadSeconds.toFixed(1)} s, indexes ${seedStats.indexSeconds.toFixed(1)} s); table ${seedStats.tableSize}, search index ${seedStats.searchIndexSize}`,
  );

  const port = await freePort();
  log(`starting the API on port ${port}`);
  api = startApi(port);
  await ready(port, api);

  const results = [];
  await withClient(DB_URL, async (db) => {
    for (const set of SETS) {
      log(`${set.name}: ${WARMUP} warm-up requests, then ${REQUESTS} at concurrency ${CONCURRENCY}`);
      const queries = await describe(port, db, set.queries);
      if (WARMUP > 0) await drive(port, set.queries, WARMUP, CONCURRENCY);
      const before = cpuTicks();
      const { samples, seconds } = await drive(port, set.queries, REQUESTS, CONCURRENCY);
      const cpu = await cpuSplit(before, seconds, REQUESTS, db);
      const beforeAlone = cpuTicks();
      const alone = ALONE ? await drive(port, set.queries, REQUESTS, 1) : null;
      const cpuAlone = alone && (await cpuSplit(beforeAlone, alone.seconds, REQUESTS, db));
      for (const [what, share] of [
        [`${CONCURRENCY} concurrent`, cpu?.foreignShare],
        ['one at a time', cpuAlone?.foreignShare],
      ])
        if (share > 0.05)
          log(
            `warning: other processes used ${Math.round(share * 100)} % of the CPUs during the ${set.name} set (${what}): latencies inflated`,
          );
      const perQuery = queries.map((q) => {
        const own = samples.filter((s) => s.query.q === q.q && s.query.locale === q.locale);
        const ms = own.map((s) => s.ms).sort((a, b) => a - b);
        return { ...q, requests: ms.length, p50: percentile(ms, 50), p95: percentile(ms, 95), max: ms.at(-1) };
      });
      results.push({
        set: set.name,
        title: set.title,
        target: set.target,
        ...summarize(samples, seconds),
        cpu,
        alone: alone && { ...summarize(alone.samples, alone.seconds), cpu: cpuAlone },
        queries: perQuery,
      });
    }
  });

  const queryRows = results.flatMap((r) =>
    r.queries.map(
      (q) =>
        `| ${r.set} | ${q.locale} | ${q.q} | ${q.matches.toLocaleString('en')} | ${q.firstPageHits ?? `HTTP ${q.status}`}${q.morePages ? '+' : ''} | ${fmt(q.p50)} | ${fmt(q.p95)} | ${fmt(q.max)} |`,
    ),
  );
  const rows = results.map(
    (r) =>
      `| ${r.title} | ${r.requests} | ${r.failed} | ${fmt(r.rps, 0)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${r.alone ? `${fmt(r.alone.p50)} / ${fmt(r.alone.p95)} / ${fmt(r.alone.p99)} (${fmt(r.alone.rps, 0)} req/s)` : '–'} | ${r.target ? `${r.p95 <= r.target ? 'met' : 'NOT met'}: p95 ≤ ${r.target} ms` : '–'} | ${r.cpu ? `${fmt(r.cpu.apiMs)} / ${fmt(r.cpu.postgresMs)} / ${fmt(r.cpu.clientMs)}` : '–'} | ${r.cpu ? `${Math.round(r.cpu.foreignShare * 100)} %` : '–'} |`,
  );
  const table = [
    `Knowledge-base search · ${seedStats.total.toLocaleString('en')} articles (${seedStats.published.toLocaleString('en')} published, en ${seedStats.en.toLocaleString('en')} / ru ${seedStats.ru.toLocaleString('en')}, ~${seedStats.avgBodyWords} words a body) · seeded in ${seedStats.seedSeconds.toFixed(0)} s · ${CONCURRENCY} concurrent, ${WARMUP} warm-up + ${REQUESTS} requests a set · ${new Date().toISOString()}`,
    '',
    '| set | locale | query | matches (published) | first page hits | p50 ms | p95 ms | max ms |',
    '|---|---|---|---|---|---|---|---|',
    ...queryRows,
    '',
    `| query set | requests | failed | req/s | p50 ms | p95 ms | p99 ms | max ms | 1 at a time p50 / p95 / p99 ms | target (at ${CONCURRENCY} concurrent) | CPU ms a request: API / PostgreSQL / client | CPUs used by other processes |`,
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  console.log(`\n${table}\n`);
  for (const r of results.filter((x) => x.set !== 'typo'))
    for (const q of r.queries.filter((x) => x.matches === 0)) log(`warning: ${r.set} query "${q.q}" (${q.locale}) matches no article`);
  for (const q of results.find((x) => x.set === 'typo').queries.filter((x) => x.matches > 0))
    log(`warning: typo "${q.q}" (${q.locale}) matches ${q.matches} articles by full text: it does not exercise the fallback`);

  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/kb-search-${new Date().toISOString().replaceAll(':', '-')}.json`;
  writeFileSync(
    file,
    JSON.stringify(
      {
        articles: ARTICLES,
        seed: SEED,
        requests: REQUESTS,
        concurrency: CONCURRENCY,
        warmup: WARMUP,
        cpus: cpus().length,
        seedStats,
        results,
        table,
      },
      null,
      2,
    ),
  );
  log(`raw results in ${file}`);
  const missed = results.filter((r) => r.target && !(r.p95 <= r.target));
  if (missed.length) log(`target missed: ${missed.map((r) => `${r.set} p95 ${fmt(r.p95)} ms`).join(', ')}`);
} finally {
  await cleanup();
}
