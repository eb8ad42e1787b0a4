import{a9 as p,aa as t,ab as c}from"./index-BUgX2mND.js";function b(n,s,...e){var r=new c(n);p(()=>{const a=s()??null;r.ensure(a,a&&(o=>a(o,...e)))},t)}export{b as s};
